/** Images are NHWC; uint8 (0-255) for real data, float32 for synthetic. */
export interface Split {
  images: Uint8Array | Float32Array;
  labels: Int32Array;
  count: number;
}

export interface Dataset {
  name: string;
  numClasses: number;
  /** [height, width, channels] */
  shape: [number, number, number];
  train: Split;
  test: Split;
  /** Per-channel statistics applied after scaling to [0, 1] (uint8) or as is (float32). */
  mean: number[];
  std: number[];
  /** Random crop padding and horizontal flip applied to training batches. */
  augment: { cropPadding: number; horizontalFlip: boolean };
}
