/**
 * Reads the convolution geometry (input size, strides, padding, dilation) of a tfjs-layers conv
 * layer, for the operator-norm computations. Shared by the wrapper and `smoothgan/bounds`.
 * @internal
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { failWith } from '../_internal/errors.js';
import { pair } from './_math.js';
import type { ConvGeometry } from './_spectralMaps.js';
import type { ConvPadding } from './linearOperators.js';
import type { KernelLayout } from './reshapedKernel.js';

/** `inputShape` with its batch dimension, e.g. `[null, 28, 28, 1]`. */
type BatchShape = readonly (number | null)[];

/**
 * The geometry of `layer` (a Conv1D, Conv2D, Conv2DTranspose or DepthwiseConv2D) applied to
 * inputs of `inputShape`. Throws `Error in <fn>: mode 'operator' needs a fixed input size…` when
 * a spatial size is unknown, and for padding other than 'valid'/'same'.
 */
export function layerConvGeometry(
  fn: string,
  name: string,
  layer: tfl.layers.Layer,
  layout: KernelLayout,
  inputShape: BatchShape,
): ConvGeometry {
  const p = layer as unknown as Record<string, unknown>;
  const channelsFirst = p.dataFormat === 'channelsFirst';
  const dims = inputShape.slice(1);
  const perExample = channelsFirst ? [...dims.slice(1), dims[0]!] : dims;
  if (perExample.some((d) => d == null)) {
    failWith(
      fn,
      `mode 'operator' needs a fixed input size, but layer '${name}' got input shape ` +
        `[${inputShape.map((d) => (d == null ? 'null' : d)).join(',')}]. Give the model a full inputShape, or use mode 'reshape'`,
    );
  }
  const padding = p.padding as string;
  if (padding !== 'valid' && padding !== 'same') {
    failWith(fn, `mode 'operator' supports padding 'valid' and 'same', but layer '${name}' has padding '${padding}'`);
  }
  const rank = layout === 'conv1d' ? 1 : 2;
  const strides = pair(p.strides as number[] | number, 1).slice(0, rank);
  // DepthwiseConv2D and Conv2DTranspose in tfjs-layers 4.22 ignore dilationRate in call().
  const usesDilation = layout === 'conv2d' || layout === 'conv1d';
  const dilations = usesDilation ? pair(p.dilationRate as number[] | number, 1).slice(0, rank) : [1, 1].slice(0, rank);
  return { inputShape: perExample as number[], strides, padding: padding as ConvPadding, dilations };
}
