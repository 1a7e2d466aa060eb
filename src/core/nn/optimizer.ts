import type * as tfc from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';

/** Serializable optimizer state: a step count and slot tensors in a fixed order. */
export interface OptimizerState {
  step: number;
  slots: tfc.Tensor[];
}

export interface Optimizer {
  /** One update with PyTorch semantics; grads[i] is the gradient of vars[i]. */
  apply(vars: tfc.Variable[], grads: tfc.Tensor[], lr: number): void;
  /** Forgets momentum and moment estimates, as a freshly created PyTorch optimizer. */
  reset(): void;
  exportState(): OptimizerState;
  importState(state: OptimizerState): void;
  dispose(): void;
}

/**
 * Base for optimizers that keep per-variable slot tensors (momentum buffers, Adam moments). Subclasses
 * say how many slots each variable has and how one variable is updated.
 */
export abstract class SlotOptimizer implements Optimizer {
  protected step = 0;
  private slots: tfc.Variable[][] = [];

  constructor(protected readonly tf: Tf, private readonly slotsPerVariable: number) {}

  protected abstract update(variable: tfc.Variable, grad: tfc.Tensor, slots: tfc.Variable[], lr: number): void;

  apply(vars: tfc.Variable[], grads: tfc.Tensor[], lr: number): void {
    this.step += 1;
    if (this.slots.length === 0) {
      const { tf } = this;
      this.slots = vars.map((v) => Array.from({ length: this.slotsPerVariable }, () => tf.tidy(() => tf.variable(tf.zerosLike(v), false))));
    }
    this.tf.tidy(() => vars.forEach((v, i) => this.update(v, grads[i]!, this.slots[i]!, lr)));
  }

  reset(): void {
    this.disposeSlots();
    this.step = 0;
  }

  exportState(): OptimizerState {
    return { step: this.step, slots: this.slots.flat() };
  }

  importState(state: OptimizerState): void {
    this.disposeSlots();
    this.step = state.step;
    const per = this.slotsPerVariable;
    for (let i = 0; i < state.slots.length; i += per) {
      this.slots.push(state.slots.slice(i, i + per).map((t) => this.tf.variable(t, false)));
    }
  }

  dispose(): void {
    this.disposeSlots();
  }

  private disposeSlots(): void {
    for (const v of this.slots.flat()) v.dispose();
    this.slots = [];
  }
}
