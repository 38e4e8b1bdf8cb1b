/**
 * Data sets for the training experiments (isomorphic: parsing from bytes; src/node/data.ts reads the
 * files). MNIST in the IDX format (LeCun et al.: big-endian magic 0x00000803 for uint8 images of rank 3,
 * 0x00000801 for uint8 labels of rank 1) and CIFAR-10 binary batches (10000 records of 1 label byte +
 * 3072 pixel bytes, channel-major). Inputs are flattened and scaled to [0, 1] (the reference's
 * `ToTensor`, no normalisation), as float64.
 */

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}

export interface Dataset {
  /** n x features, row-major, values in [0, 1]. */
  x: Float64Array;
  /** n labels in 0..classes-1. */
  y: Uint8Array;
  n: number;
  features: number;
  classes: number;
}

const u32 = (b: Uint8Array, o: number) =>
  ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

function header(bytes: Uint8Array, name: string, rank: number): number[] {
  const need = 4 + 4 * rank;
  if (bytes.length < need) {
    throw new DataError(
      `${name}: truncated IDX file (${bytes.length} bytes, the header alone needs ${need})`,
    );
  }
  const magic = u32(bytes, 0);
  if (magic >>> 8 !== 0x08 || (magic & 0xff) !== rank) {
    throw new DataError(
      `${name}: not an IDX file of unsigned bytes with ${rank} dimension(s) (magic 0x${magic.toString(16).padStart(8, "0")}, expected 0x0000080${rank})`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => u32(bytes, 4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== need + size) {
    throw new DataError(
      `${name}: ${bytes.length < need + size ? "truncated" : "over-long"} IDX file: dimensions ${dims.join(" x ")} need ${need + size} bytes, the file has ${bytes.length}`,
    );
  }
  return dims;
}

/** An IDX uint8 image file (n x rows x cols), flattened to n x (rows cols) and scaled to [0, 1]. */
export function parseIdxImages(
  bytes: Uint8Array,
  name = "images",
): { x: Float64Array; n: number; features: number } {
  const [n, rows, cols] = header(bytes, name, 3);
  const features = rows * cols;
  const x = new Float64Array(n * features);
  for (let i = 0; i < x.length; i++) x[i] = bytes[16 + i] / 255;
  return { x, n, features };
}

/** An IDX uint8 label file. */
export function parseIdxLabels(bytes: Uint8Array, name = "labels"): Uint8Array {
  const [n] = header(bytes, name, 1);
  return bytes.slice(8, 8 + n);
}

/** Images and labels of one split; checks that they match. */
export function idxDataset(images: Uint8Array, labels: Uint8Array, names = ["images", "labels"]): Dataset {
  const im = parseIdxImages(images, names[0]);
  const y = parseIdxLabels(labels, names[1]);
  if (y.length !== im.n) {
    throw new DataError(`${names[1]} has ${y.length} labels but ${names[0]} has ${im.n} images`);
  }
  let classes = 0;
  for (const v of y) classes = Math.max(classes, v + 1);
  return { x: im.x, y, n: im.n, features: im.features, classes };
}

/** Encode a data set as IDX files (images n x rows x cols, values in [0, 1] rounded to bytes). */
export function toIdx(d: Dataset, rows: number, cols: number): { images: Uint8Array; labels: Uint8Array } {
  if (rows * cols !== d.features) throw new DataError(`toIdx: ${rows} x ${cols} != ${d.features} features`);
  const images = new Uint8Array(16 + d.n * d.features);
  const dv = new DataView(images.buffer);
  dv.setUint32(0, 0x00000803);
  dv.setUint32(4, d.n);
  dv.setUint32(8, rows);
  dv.setUint32(12, cols);
  for (let i = 0; i < d.n * d.features; i++)
    images[16 + i] = Math.round(Math.min(1, Math.max(0, d.x[i])) * 255);
  const labels = new Uint8Array(8 + d.n);
  const lv = new DataView(labels.buffer);
  lv.setUint32(0, 0x00000801);
  lv.setUint32(4, d.n);
  labels.set(d.y, 8);
  return { images, labels };
}

const CIFAR_RECORD = 1 + 3072;

/** One or more CIFAR-10 binary batches (records of 1 label byte and 3072 pixel bytes). */
export function parseCifarBatches(batches: { bytes: Uint8Array; name: string }[]): Dataset {
  let n = 0;
  for (const b of batches) {
    if (b.bytes.length === 0 || b.bytes.length % CIFAR_RECORD !== 0) {
      throw new DataError(
        `${b.name}: not a CIFAR-10 binary batch (${b.bytes.length} bytes is not a multiple of the ${CIFAR_RECORD}-byte record; truncated?)`,
      );
    }
    n += b.bytes.length / CIFAR_RECORD;
  }
  const x = new Float64Array(n * 3072);
  const y = new Uint8Array(n);
  let i = 0;
  for (const b of batches) {
    for (let o = 0; o < b.bytes.length; o += CIFAR_RECORD, i++) {
      const label = b.bytes[o];
      if (label > 9)
        throw new DataError(`${b.name}: label ${label} at record ${o / CIFAR_RECORD} is not in 0..9`);
      y[i] = label;
      for (let j = 0; j < 3072; j++) x[i * 3072 + j] = b.bytes[o + 1 + j] / 255;
    }
  }
  return { x, y, n, features: 3072, classes: 10 };
}

/** The first n examples of a data set (a view: no copy). */
export function subset(d: Dataset, n: number): Dataset {
  const m = Math.min(n, d.n);
  return { ...d, n: m, x: d.x.subarray(0, m * d.features), y: d.y.subarray(0, m) };
}
