// The data a page trains on: the embedded MNIST digits (a static asset fetched once, not part of
// the script), a Frey Face file the user provides, or a CSV file bound by column names as the
// command line binds it. Each is opened by the engine's openDataFrom with the data spec the
// command line would use, and that spec goes into the checkpoint.
import { openDataFrom, type Binarize, type DataSplit, type RawEmbedded } from 'ppl-vi/engine';

export interface MnistChoice {
  kind: 'mnist';
  trainSize: number;
  testSize: number;
  binarize: Binarize;
}
export interface FreyChoice {
  kind: 'frey';
  file: string;
  bytes: Uint8Array;
  trainSize?: number;
}
export interface CsvChoice {
  kind: 'csv';
  file: string;
  text: string;
  /** `NAME=COL,COL,...` entries, as `--columns`. */
  columns: string[];
  testFraction?: number;
}
export type DataChoice = MnistChoice | FreyChoice | CsvChoice;

export interface OpenedData {
  split: DataSplit;
  /** The data options fit records (the spec and how it was opened). */
  record: { data: string; binarize?: Binarize; trainSize?: number; testSize?: number };
}

interface MnistManifest {
  train: number;
  test: number;
  pixels: number;
}

let mnist: Promise<{ raw: RawEmbedded; manifest: MnistManifest }> | undefined;

/** The digits asset (data/mnist-subset.*): fetched on first use, kept for the page's life. */
export function mnistAsset(): Promise<{ raw: RawEmbedded; manifest: MnistManifest }> {
  mnist ??= (async () => {
    const manifest = (await (await fetch('data/mnist-subset.json')).json()) as MnistManifest;
    const response = await fetch('data/mnist-subset.bin');
    if (!response.ok) throw new Error(`data/mnist-subset.bin: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { train, test, pixels } = manifest;
    if (bytes.length !== (train + test) * (pixels + 1)) throw new Error(`data/mnist-subset.bin: ${bytes.length} bytes, expected ${(train + test) * (pixels + 1)}`);
    let at = 0;
    const take = (n: number): Uint8Array => bytes.subarray(at, (at += n));
    const trainPixels = take(train * pixels);
    const testPixels = take(test * pixels);
    const raw: RawEmbedded = { train: { pixels: trainPixels, labels: take(train) }, test: { pixels: testPixels, labels: take(test) } };
    return { raw, manifest };
  })();
  mnist.catch(() => (mnist = undefined));
  return mnist;
}

export async function openChoice(choice: DataChoice): Promise<OpenedData> {
  switch (choice.kind) {
    case 'mnist': {
      const { raw } = await mnistAsset();
      const options = { binarize: choice.binarize, trainSize: choice.trainSize, testSize: choice.testSize };
      return { split: openDataFrom('mnist', { mnist: raw }, options), record: { data: 'mnist', ...options } };
    }
    case 'frey': {
      const spec = `frey:${choice.file}`;
      const options = { binarize: 'none' as const, trainSize: choice.trainSize };
      return { split: openDataFrom(spec, { files: { [choice.file]: choice.bytes } }, options), record: { data: spec, trainSize: choice.trainSize } };
    }
    case 'csv': {
      const spec = `csv:${choice.file}`;
      const options = { binarize: 'none' as const, columns: choice.columns, testFraction: choice.testFraction };
      const withFlags = [spec, ...choice.columns.map((c) => `columns=${c}`), ...(choice.testFraction !== undefined ? [`test-fraction=${choice.testFraction}`] : [])].join(';');
      return { split: openDataFrom(spec, { files: { [choice.file]: choice.text } }, options), record: { data: withFlags } };
    }
  }
}
