/**
 * Trainer checkpoints through tfjs IO handlers: weights, state variables, optimizer state, EMA,
 * counters, transform states and the RNG state in one artifact (JSON metadata + one weight
 * buffer). Internal to the trainer; users call `trainer.save(handler)` / `trainer.load(handler)`.
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { failWith } from '../_internal/errors.js';
import type { Ema, Player } from './types.js';

/** The format tag written to `ModelArtifacts.format`. */
export const CHECKPOINT_FORMAT = 'smoothgan-trainer-checkpoint';
const VERSION = 1;

interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface TrainerSnapshot {
  readonly step: number;
  readonly seed: number;
  readonly rngState: number;
  readonly players: readonly {
    readonly player: Player;
    readonly updates: number;
    readonly skipped: number;
    readonly transformState: unknown;
  }[];
  readonly ema: { readonly ema: Ema; readonly player: string } | undefined;
}

interface TensorMeta {
  readonly name: string;
  readonly shape: number[];
}
interface PlayerMeta {
  readonly name: string;
  readonly updates: number;
  readonly skipped: number;
  readonly transformState: unknown;
  readonly variables: TensorMeta[];
  readonly stateVariables: TensorMeta[];
  readonly optimizer: { readonly className: string; readonly weightNames: string[]; readonly extras: string[] };
}
interface CheckpointMeta {
  readonly version: number;
  readonly step: number;
  readonly seed: number;
  readonly rngState: number;
  readonly players: PlayerMeta[];
  readonly ema: { readonly player: string; readonly decay: number; readonly start: number; readonly count: number; readonly shapes: number[][] } | null;
}

const meta = (v: tf.Tensor): TensorMeta => ({ name: (v as tf.Variable).name ?? '', shape: [...v.shape] });
const key = {
  variable: (i: number, j: number) => `players/${i}/variables/${j}`,
  state: (i: number, j: number) => `players/${i}/state/${j}`,
  optimizer: (i: number, j: number) => `players/${i}/optimizer/${j}`,
  extra: (i: number, name: string) => `players/${i}/optimizer-extra/${name}`,
  ema: (j: number) => `ema/${j}`,
};

/**
 * Scalar variables an optimizer keeps outside `getWeights()` (Adam's running β powers). Saving
 * them makes a resumed run bit-identical; `setWeights` alone recomputes them with `pow`, which
 * differs from the running product in the last bits. tfjs 4.22 internals.
 */
function optimizerExtras(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer as unknown as Record<string, unknown>)
    .filter((e): e is [string, tf.Variable] => e[1] instanceof tf.Variable && !e[1].isDisposed && e[1].rank === 0)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

async function optimizerWeights(fn: string, player: Player): Promise<NamedTensor[]> {
  try {
    return await player.optimizer.getWeights();
  } catch (e) {
    failWith(fn, `the optimizer of player '${player.name}' (${player.optimizer.getClassName()}) cannot export its state: ${(e as Error).message}`);
  }
}

/** Writes a checkpoint of `s` through `handler`. */
export async function writeCheckpoint(s: TrainerSnapshot, handler: tf.io.IOHandler): Promise<tf.io.SaveResult> {
  const fn = 'Trainer.save';
  if (handler == null || typeof handler.save !== 'function') {
    failWith(fn, 'handler must be a tf.io.IOHandler with a save method (e.g. memoryIOHandler(), or fileIOHandler(dir) from smoothgan/node)');
  }
  const named: NamedTensor[] = [];
  const temporary: tf.Tensor[] = [];
  try {
    const players: PlayerMeta[] = [];
    for (let i = 0; i < s.players.length; i++) {
      const { player, updates, skipped, transformState } = s.players[i]!;
      player.variables.forEach((v, j) => named.push({ name: key.variable(i, j), tensor: v }));
      player.stateVariables.forEach((v, j) => named.push({ name: key.state(i, j), tensor: v }));
      const ow = await optimizerWeights(fn, player);
      for (const w of ow) if (!(w.tensor instanceof tf.Variable)) temporary.push(w.tensor);
      ow.forEach((w, j) => named.push({ name: key.optimizer(i, j), tensor: w.tensor }));
      const extras = optimizerExtras(player.optimizer);
      for (const [name, v] of extras) named.push({ name: key.extra(i, name), tensor: v });
      players.push({
        name: player.name,
        updates,
        skipped,
        transformState: transformState === undefined ? null : transformState,
        variables: player.variables.map(meta),
        stateVariables: player.stateVariables.map(meta),
        optimizer: { className: player.optimizer.getClassName(), weightNames: ow.map((w) => w.name), extras: extras.map((e) => e[0]) },
      });
    }
    if (s.ema) s.ema.ema.variables.forEach((v, j) => named.push({ name: key.ema(j), tensor: v }));
    const m: CheckpointMeta = {
      version: VERSION,
      step: s.step,
      seed: s.seed,
      rngState: s.rngState,
      players,
      ema: s.ema
        ? { player: s.ema.player, decay: s.ema.ema.decay, start: s.ema.ema.start, count: s.ema.ema.count, shapes: s.ema.ema.variables.map((v) => [...v.shape]) }
        : null,
    };
    let json: CheckpointMeta;
    try {
      json = JSON.parse(JSON.stringify(m)) as CheckpointMeta;
    } catch (e) {
      failWith(fn, `the trainer state is not JSON-serialisable (a transform state must be plain data): ${(e as Error).message}`);
    }
    const { data, specs } = await tf.io.encodeWeights(named);
    return await handler.save({
      modelTopology: { smoothgan: json },
      format: CHECKPOINT_FORMAT,
      generatedBy: 'smoothgan',
      convertedBy: null,
      weightSpecs: specs,
      weightData: data,
    });
  } finally {
    tf.dispose(temporary);
  }
}

/** What `readCheckpoint` restores besides tensors. */
export interface RestoredCounters {
  readonly step: number;
  readonly rngState: number;
  readonly players: { readonly name: string; readonly updates: number; readonly skipped: number; readonly transformState: unknown }[];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Reads a checkpoint and restores it into the trainer described by `s`. Everything is checked
 * (format, players, shapes, optimizer classes, presence of every tensor) before anything is
 * assigned.
 */
export async function readCheckpoint(s: TrainerSnapshot, handler: tf.io.IOHandler): Promise<RestoredCounters> {
  const fn = 'Trainer.load';
  if (handler == null || typeof handler.load !== 'function') {
    failWith(fn, 'handler must be a tf.io.IOHandler with a load method (e.g. the memoryIOHandler you saved to, or fileIOHandler(dir) from smoothgan/node)');
  }
  const a = await handler.load();
  const m = (a?.modelTopology as { smoothgan?: CheckpointMeta } | undefined)?.smoothgan;
  if (a?.format !== CHECKPOINT_FORMAT || m == null || m.version !== VERSION) {
    failWith(fn, `the handler did not return a smoothgan trainer checkpoint (format '${CHECKPOINT_FORMAT}', version ${VERSION}); got format ${JSON.stringify(a?.format)}`);
  }
  if (a.weightData == null || a.weightSpecs == null) failWith(fn, 'the checkpoint has no weight data');
  const names = s.players.map((p) => p.player.name);
  const saved = m.players.map((p) => p.name);
  if (names.join('\u0000') !== saved.join('\u0000')) {
    failWith(fn, `the checkpoint has players [${saved.map((n) => `'${n}'`).join(', ')}] but this trainer has [${names.map((n) => `'${n}'`).join(', ')}] (same names, same order required)`);
  }
  const bad = (what: string) => failWith(fn, `the checkpoint does not match this trainer: ${what}`);
  for (let i = 0; i < s.players.length; i++) {
    const p = s.players[i]!.player;
    const pm = m.players[i]!;
    for (const [list, metas, label] of [
      [p.variables, pm.variables, 'variables'],
      [p.stateVariables, pm.stateVariables, 'state variables'],
    ] as const) {
      if (list.length !== metas.length) bad(`player '${p.name}' has ${list.length} ${label}, the checkpoint ${metas.length}`);
      list.forEach((v, j) => {
        if (!sameShape(v.shape, metas[j]!.shape)) {
          bad(`${label} ${j} of player '${p.name}' ('${v.name}') has shape [${v.shape.join(',')}], the checkpoint [${metas[j]!.shape.join(',')}] ('${metas[j]!.name}')`);
        }
      });
    }
    if (p.optimizer.getClassName() !== pm.optimizer.className) {
      bad(`player '${p.name}' uses a ${p.optimizer.getClassName()} optimizer, the checkpoint a ${pm.optimizer.className}`);
    }
    const extras = new Map(optimizerExtras(p.optimizer));
    for (const e of pm.optimizer.extras) if (!extras.has(e)) bad(`the optimizer of player '${p.name}' has no state '${e}'`);
  }
  if ((m.ema === null) !== (s.ema === undefined)) {
    bad(m.ema === null ? 'the checkpoint has no EMA but this trainer has one' : 'the checkpoint has an EMA but this trainer has none');
  }
  if (m.ema && s.ema) {
    if (m.ema.player !== s.ema.player) bad(`the EMA averages player '${m.ema.player}' in the checkpoint, '${s.ema.player}' here`);
    const vars = s.ema.ema.variables;
    if (vars.length !== m.ema.shapes.length || vars.some((v, j) => !sameShape(v.shape, m.ema!.shapes[j]!))) bad('the EMA variables differ in number or shape');
  }

  const tensors = tf.io.decodeWeights(a.weightData, a.weightSpecs);
  const current: NamedTensor[][] = [];
  try {
    const need = (k: string, shape?: readonly number[]): tf.Tensor => {
      const t = tensors[k];
      if (!t) bad(`tensor '${k}' is missing`);
      if (shape && !sameShape(t.shape, shape)) bad(`tensor '${k}' has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`);
      return t;
    };
    s.players.forEach(({ player: p }, i) => {
      const pm = m.players[i]!;
      p.variables.forEach((v, j) => need(key.variable(i, j), v.shape));
      p.stateVariables.forEach((v, j) => need(key.state(i, j), v.shape));
      pm.optimizer.weightNames.forEach((_, j) => need(key.optimizer(i, j)));
      pm.optimizer.extras.forEach((e) => need(key.extra(i, e), []));
    });
    s.ema?.ema.variables.forEach((v, j) => need(key.ema(j), v.shape));
    for (const { player } of s.players) current.push(await optimizerWeights(fn, player));

    // Everything checked: restore.
    tf.tidy(() => {
      s.players.forEach(({ player: p }, i) => {
        p.variables.forEach((v, j) => v.assign(tensors[key.variable(i, j)]!));
        p.stateVariables.forEach((v, j) => v.assign(tensors[key.state(i, j)]!));
      });
      s.ema?.ema.variables.forEach((v, j) => v.assign(tensors[key.ema(j)]!));
    });
    for (let i = 0; i < s.players.length; i++) {
      const p = s.players[i]!.player;
      const pm = m.players[i]!;
      await p.optimizer.setWeights(pm.optimizer.weightNames.map((name, j) => ({ name, tensor: tensors[key.optimizer(i, j)]! })));
      const extras = new Map(optimizerExtras(p.optimizer));
      for (const e of pm.optimizer.extras) extras.get(e)!.assign(tensors[key.extra(i, e)]!);
    }
    if (s.ema && m.ema) s.ema.ema.setCount(m.ema.count);
    // The optimizers now hold new slot variables; the old ones (and the iteration scalars
    // getWeights created) are no longer referenced.
    for (const list of current) tf.dispose(list.map((w) => w.tensor));
    current.length = 0;
  } finally {
    for (const list of current) tf.dispose(list.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
    tf.dispose(Object.values(tensors));
  }
  return {
    step: m.step,
    rngState: m.rngState,
    players: m.players.map((p) => ({ name: p.name, updates: p.updates, skipped: p.skipped, transformState: p.transformState })),
  };
}
