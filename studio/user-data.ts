/**
 * The page's side of the user's own data: a canvas to spray points on with the mouse, and a table file dropped
 * anywhere on the page or chosen with the file input. The table is parsed here, by the command line's parser (see
 * `tableData`), so its errors show at once in the page's error line, worded as `latentlab train --data FILE` words
 * them; what parses goes to the worker, which splits and trains on it (studio/data.ts).
 */
import {
  Brush,
  isUserDataName,
  missingUserData,
  PLANE_EXTENT,
  tableData,
  userSplit,
  type UserData,
  type UserDataName,
  type UserDataStore,
} from './data.js';
import type { StudioSetup, PageMessage } from './protocol.js';

/** How each kind of user data appears among a data menu's choices. */
const CHOICES: Record<UserDataName, string> = {
  drawn: 'points drawn with the mouse',
  table: 'a table file (CSV, TSV, JSON)',
};

/** Add the user's data to a menu of data sets (a family's data, or the flow and EM panels' densities). */
export function addUserDataChoices(select: HTMLSelectElement): void {
  for (const [name, text] of Object.entries(CHOICES)) select.add(new Option(text, name));
}

/** What {@link UserDataControls} acts through: the page's worker, its set-up and its error line. */
export interface UserDataHooks {
  send: (message: PageMessage) => void;
  /** Make `name` the data of the panel in hand, and start a run on it. */
  choose: (name: UserDataName) => void;
  showError: (message: string) => void;
}

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A line that says what the user's data is and how the panels evaluate on it. */
function describe(data: UserData, setup: StudioSetup): string {
  if (data.name === 'drawn') {
    const { train, test } = userSplit(data, setup.seed);
    return (
      `${data.n} points drawn: ${train.n} to train on, ${test!.n} held out (by the seed) to evaluate on. ` +
      'Drawn points are not kept in the URL: it keeps data=drawn, and a reload asks for them again.'
    );
  }
  return (
    `${data.source}: ${data.n} rows of ${data.d} columns. A table has no held-out part, as with ` +
    `latentlab train --data ${data.source}, so no held-out metrics are shown. ` +
    'A table is not kept in the URL: it keeps data=table, and a reload asks for the file again.'
  );
}

/**
 * The drawing canvas, its clear and train buttons, the table file input and the page's drop target, and the user's
 * data they have given (sent to the worker as it comes).
 */
export class UserDataControls {
  /** The brush's jitter is seeded, so the same strokes draw the same points. */
  private readonly brush = new Brush(0);
  private readonly given: UserDataStore = {};
  private readonly canvas = element<HTMLCanvasElement>('draw-canvas');
  private readonly note = element<HTMLParagraphElement>('data-note');

  constructor(private readonly hooks: UserDataHooks) {
    this.canvas.addEventListener('pointerdown', (event) => {
      this.canvas.setPointerCapture(event.pointerId);
      this.spray([event]);
    });
    this.canvas.addEventListener('pointermove', (event) => {
      // The moves of a fast stroke come coalesced into one event: each of them sprays.
      const moves = event.getCoalescedEvents();
      if ((event.buttons & 1) === 1) this.spray(moves.length > 0 ? moves : [event]);
    });
    element('draw-clear').addEventListener('click', () => {
      this.brush.clear();
      this.drawPoints();
    });
    element('draw-train').addEventListener('click', () => {
      try {
        this.give(this.brush.data());
      } catch (e) {
        hooks.showError(e instanceof Error ? e.message : String(e));
      }
    });
    const input = element<HTMLInputElement>('table-file');
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      // Cleared, so that choosing the same file again (edited) reads it again.
      input.value = '';
      if (file !== undefined) void this.readTable(file);
    });
    // Any file dragged over the page may be dropped (else the browser would open it in place of the page). One
    // file is read as a table; a checkpoint's files (config.json and weights.safetensors) are for another reader.
    document.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes('Files') === true) event.preventDefault();
    });
    document.addEventListener('drop', (event) => {
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      event.preventDefault();
      if (files.length === 1 && !files[0].name.endsWith('.safetensors')) void this.readTable(files[0]);
    });
    this.drawPoints();
  }

  /**
   * Whether the data of `setup` is at hand (always, unless it is the user's own and not given yet). When it is, the
   * user's data goes to the worker (again: a new backend's worker has not had it). When it is not, the page says how
   * to give it, pauses the worker and disables play and step until it comes.
   */
  ready(setup: StudioSetup): boolean {
    const name = isUserDataName(setup.data) ? setup.data : null;
    document.body.dataset.data = name ?? '';
    const data = name === null ? undefined : this.given[name];
    const waiting = name !== null && data === undefined;
    this.note.textContent =
      name === null ? '' : data === undefined ? missingUserData(name) : describe(data, setup);
    for (const id of ['play', 'step']) element<HTMLButtonElement>(id).disabled = waiting;
    if (waiting) this.hooks.send({ type: 'pause' });
    else if (data !== undefined) this.hooks.send({ type: 'data', data });
    return !waiting;
  }

  /** Keep the data, and train on it. */
  private give(data: UserData): void {
    this.given[data.name] = data;
    this.hooks.choose(data.name);
  }

  private async readTable(file: File): Promise<void> {
    try {
      this.give(tableData(await file.text(), file.name));
    } catch (e) {
      this.hooks.showError(e instanceof Error ? e.message : String(e));
    }
  }

  /** Add the brush's points at each pointer position, in the plane's coordinates. */
  private spray(events: PointerEvent[]): void {
    const box = this.canvas.getBoundingClientRect();
    let added = 0;
    for (const { clientX, clientY } of events)
      added += this.brush.spray(
        -PLANE_EXTENT + (2 * PLANE_EXTENT * (clientX - box.left)) / box.width,
        PLANE_EXTENT - (2 * PLANE_EXTENT * (clientY - box.top)) / box.height,
      );
    if (added > 0) this.drawPoints();
  }

  /** The drawn points over the plane's axes, and their count. */
  private drawPoints(): void {
    const { canvas, brush } = this;
    const context = canvas.getContext('2d')!;
    const scale = canvas.width / (2 * PLANE_EXTENT);
    context.fillStyle = 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.strokeStyle = '#ddd';
    context.beginPath();
    context.moveTo(canvas.width / 2, 0);
    context.lineTo(canvas.width / 2, canvas.height);
    context.moveTo(0, canvas.height / 2);
    context.lineTo(canvas.width, canvas.height / 2);
    context.stroke();
    context.fillStyle = 'rgba(80, 160, 255, 0.8)';
    for (let i = 0; i + 1 < brush.points.length; i += 2)
      context.fillRect(
        (brush.points[i] + PLANE_EXTENT) * scale - 1.5,
        (PLANE_EXTENT - brush.points[i + 1]) * scale - 1.5,
        3,
        3,
      );
    canvas.dataset.points = String(brush.n);
    element('draw-count').textContent = `${brush.n} point${brush.n === 1 ? '' : 's'}`;
  }
}
