/**
 * The page's side of runs as the command line's files: the download button (the worker packs the family panel's run
 * as one tar archive, saved here as a download), and a run given to the page, through the file input or dropped
 * anywhere on it: its .tar, its folder (a directory drop, where the browser gives one) or its files. The files are
 * read here and go to the worker, which opens the run (studio/run-transfer.ts) or says in the error line what is
 * wrong with them.
 */
import { CHECKPOINT_FILES } from '../src/io/checkpoint.js';
import { RUN_FILES } from '../src/train/run-files.js';
import type { PageMessage } from './protocol.js';
import type { GivenFile } from './run-transfer.js';

/** What {@link RunFileControls} acts through: the page's worker and its error line. */
export interface RunFileHooks {
  send: (message: PageMessage) => void;
  showError: (message: string) => void;
}

/** The files of a dropped folder that a run's checkpoint needs (its pictures and the rest are not read). */
const NEEDED = new Set<string>([...Object.values(CHECKPOINT_FILES), RUN_FILES.state]);

/** Whether a file, by its name, belongs to a run rather than being a table of data. */
const isRunFile = (name: string) => /\.(tar|tgz|safetensors)$/i.test(name);

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function read(file: File, path: string): Promise<GivenFile> {
  return { path, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** Every file under a dropped entry that a checkpoint needs, with its path from the drop (`run/checkpoint/...`). */
async function entryFiles(entry: FileSystemEntry): Promise<GivenFile[]> {
  const path = entry.fullPath.replace(/^\//, '');
  if (entry.isFile) {
    if (!NEEDED.has(entry.name) && !isRunFile(entry.name)) return [];
    const file = await new Promise<File>((done, fail) => (entry as FileSystemFileEntry).file(done, fail));
    return [await read(file, path)];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // A directory reader hands its entries over in batches, an empty one at the end.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((done, fail) => reader.readEntries(done, fail));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map(entryFiles))).flat();
}

/** Save `bytes` as a download named `name`, as a link the page clicks. */
export function saveDownload(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has taken its copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The download button, the file input that opens a run, and the page's drop target for runs. */
export class RunFileControls {
  constructor(private readonly hooks: RunFileHooks) {
    element('download').addEventListener('click', () => hooks.send({ type: 'download' }));
    const input = element<HTMLInputElement>('open-run');
    input.addEventListener('change', () => {
      const files = Array.from(input.files ?? []);
      // Cleared, so that choosing the same files again reads them again.
      input.value = '';
      // Files chosen inside a chosen folder carry their path in it.
      if (files.length > 0) void this.open(files.map((f) => read(f, f.webkitRelativePath || f.name)));
    });
    // Run drops are taken before the page's own drop target (a table of data, studio/user-data.ts) sees them: a
    // folder, several files, or a run's .tar or .safetensors.
    window.addEventListener(
      'drop',
      (event) => {
        const items = Array.from(event.dataTransfer?.items ?? []).filter((i) => i.kind === 'file');
        const entries = items.map((i) => i.webkitGetAsEntry());
        const files = Array.from(event.dataTransfer?.files ?? []);
        const isRun =
          entries.some((e) => e?.isDirectory === true) ||
          files.length > 1 ||
          (files.length === 1 && isRunFile(files[0].name));
        if (!isRun) return;
        event.preventDefault();
        event.stopPropagation();
        // Entries (which walk folders) where the browser gives them; else the files as they are.
        if (entries.length > 0 && entries.every((e) => e !== null))
          void this.open(entries.map((e) => entryFiles(e)));
        else void this.open(files.map((f) => read(f, f.name)));
      },
      { capture: true },
    );
  }

  /** Read the files and send them to the worker, which answers with the run opened or an error. */
  private async open(reading: Array<Promise<GivenFile | GivenFile[]>>): Promise<void> {
    try {
      const files = (await Promise.all(reading)).flat();
      this.hooks.send({ type: 'open', files });
    } catch (e) {
      this.hooks.showError(`cannot read the files given: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
