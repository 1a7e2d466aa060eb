import type * as tfc from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import type { ComponentRegistry } from '../../registry/container.js';
import type { StagePlan } from '../spec/expand.js';
import type { Module, NamedVariable } from '../nn/module.js';
import { spaceToDepth } from '../nn/layers.js';
import { hashString } from '../rng.js';

/**
 * The CNN of a spec: an optional invertible downsampling of the input (the stem), blocks 0..J-1 and one
 * auxiliary head per block, created stage by stage from the stage plans.
 */
export class Network {
  readonly blocks: Module[] = [];
  readonly heads: Module[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly registry: ComponentRegistry,
    readonly plans: StagePlan[],
    private readonly inputShape: [number, number, number],
    private readonly inputDownsample: boolean,
    private readonly numClasses: number,
    private readonly seed: number,
  ) {}

  /** Creates block j and head j, seeded by the run seed and their position, so reruns are identical. */
  addStage(j: number): void {
    if (j !== this.blocks.length) throw new Error(`stage ${j} added out of order (have ${this.blocks.length})`);
    const plan = this.plans[j]!;
    const { type: blockType, ...blockParams } = plan.block;
    const { type: headType, ...headParams } = plan.head;
    this.blocks.push(this.registry.get('block', blockType).create(blockParams as never, {
      tf: this.tf, name: `block${j}`, inChannels: plan.inChannels, width: plan.width, seed: hashString(`${this.seed}/block/${j}`),
    }) as Module);
    this.heads.push(this.registry.get('head', headType).create(headParams as never, {
      tf: this.tf, name: `head${j}`, inChannels: plan.width, spatial: plan.outSpatial, numClasses: this.numClasses, seed: hashString(`${this.seed}/head/${j}`),
    }) as Module);
  }

  /** [h, w, c] of the input to block `depth` (depth 0: the stem's output). */
  shapeAfter(depth: number): [number, number, number] {
    if (depth === 0) {
      const [h, w, c] = this.inputShape;
      return this.inputDownsample ? [h / 2, w / 2, c * 4] : [h, w, c];
    }
    const plan = this.plans[depth - 1]!;
    return [plan.outSpatial, plan.outSpatial, plan.width];
  }

  stem(x: tfc.Tensor): tfc.Tensor {
    return this.inputDownsample ? spaceToDepth(this.tf, x) : x;
  }

  /** Blocks from..to-1; call inside tf.tidy or a gradient function. */
  forwardBlocks(x: tfc.Tensor, from: number, to: number, training: boolean): tfc.Tensor {
    let out = x;
    for (let j = from; j < to; j++) out = this.blocks[j]!.forward(out, training);
    return out;
  }

  /** The stem and the frozen blocks 0..depth-1 in inference mode. */
  forwardPrefix(images: tfc.Tensor, depth: number): tfc.Tensor {
    return this.forwardBlocks(this.stem(images), 0, depth, false);
  }

  /** Every variable of the given stages (params and buffers), named `block<j>.<name>` and `head<j>.<name>`. */
  variables(stages: number[] = this.blocks.map((_, j) => j)): NamedVariable[] {
    return stages.flatMap((j) => [
      ...[...this.blocks[j]!.params(), ...this.blocks[j]!.buffers()].map((v) => ({ name: `block${j}.${v.name}`, variable: v.variable })),
      ...[...this.heads[j]!.params(), ...this.heads[j]!.buffers()].map((v) => ({ name: `head${j}.${v.name}`, variable: v.variable })),
    ]);
  }

  dispose(): void {
    for (const m of [...this.blocks, ...this.heads]) m.dispose();
    this.blocks.length = 0;
    this.heads.length = 0;
  }
}
