import cliProgress from 'cli-progress';
import type { EpochRecord } from './run_state.js';
import { pct } from './summary.js';

export interface BatchStats {
  batch: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface ProgressReporter {
  stageStart(stage: number, stages: number, epochs: number, note: string): void;
  epochStart(stage: number, epoch: number, batches: number): void;
  batch(stats: BatchStats): void;
  epochEnd(stage: number, record: EpochRecord): void;
  message(line: string): void;
  close(): void;
}


export function epochLine(stage: number, stages: number, epochs: number, r: EpochRecord): string {
  return `stage ${stage} of ${stages}, epoch ${r.epoch + 1}/${epochs}: loss ${r.train_loss.toFixed(4)} ` +
    `train ${pct(r.train_accuracy)} test ${pct(r.test_accuracy)} lr ${Number(r.lr.toPrecision(4))} ` +
    `${Math.round(r.images_per_second)} img/s ${r.seconds.toFixed(1)}s`;
}

/** A live bar per epoch on a terminal (loss, accuracy, images/s, ETA); plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, interactive = Boolean(stream.isTTY)): ProgressReporter {
  let stages = 0;
  let epochs = 0;
  let bar: cliProgress.SingleBar | null = null;
  const write = (line: string) => stream.write(`${line}\n`);
  return {
    stageStart(stage, total, stageEpochs, note) {
      stages = total;
      epochs = stageEpochs;
      write(`stage ${stage} of ${total}: ${note}`);
    },
    epochStart(stage, epoch, batches) {
      if (!interactive) return;
      bar = new cliProgress.SingleBar({
        stream,
        format: `stage ${stage} of ${stages}, epoch ${epoch + 1}/${epochs} |{bar}| {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      }, cliProgress.Presets.shades_classic);
      bar.start(batches, 0, { loss: '-', acc: '-', ips: '-' });
    },
    batch(s) {
      bar?.update(s.batch, { loss: s.loss.toFixed(4), acc: pct(s.accuracy), ips: Math.round(s.imagesPerSecond) });
    },
    epochEnd(stage, record) {
      bar?.stop();
      bar = null;
      write(epochLine(stage, stages, epochs, record));
    },
    message(line) {
      bar?.stop();
      bar = null;
      write(line);
    },
    close() {
      bar?.stop();
    },
  };
}

export const silentProgress: ProgressReporter = {
  stageStart() {}, epochStart() {}, batch() {}, epochEnd() {}, message() {}, close() {},
};
