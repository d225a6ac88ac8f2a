/**
 * Squeeze: RealNVP's and Glow's space-to-depth reshaping, which trades spatial resolution for channels.
 */
import * as tf from '../engine/tf.js';
import { Bijector, BijectorError } from './bijector.js';

/**
 * A reshaping with log-det 0. In the data-to-noise direction ({@link Squeeze.inverseAndLogDet}) each 2 x 2 patch
 * of an image `[..., h, w, c]` becomes one position with 4c channels, `[..., h/2, w/2, 4c]`:
 *
 *   out[.., y, x, 4k + 2i + j] = in[.., 2y + i, 2x + j, k]   (i, j in {0, 1}, k < c),
 *
 * the arrangement of Glow's `squeeze2d` and of PyTorch's `pixel_unshuffle(input, 2)` on NCHW (channel-major: the
 * four pixels of channel k are channels 4k .. 4k + 3). {@link Squeeze.forwardAndLogDet} is the reverse,
 * depth-to-space, `[..., h, w, 4c]` to `[..., 2h, 2w, c]`. Odd h or w, or channels not divisible by 4 going forward,
 * are a {@link BijectorError}.
 *
 * @example
 * const squeeze = new Squeeze();
 * squeeze.inverse(tf.zeros([8, 28, 28, 1])).shape; // [8, 14, 14, 4]
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803; D. P. Kingma and P. Dhariwal, "Glow: Generative Flow with Invertible 1x1
 * Convolutions", 2018, https://arxiv.org/abs/1807.03039
 */
export class Squeeze extends Bijector {
  readonly eventNdims = 3;

  /** Depth-to-space: `[..., h, w, 4c]` to `[..., 2h, 2w, c]`. */
  forwardAndLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batchShape = this.batchShapeOf(z, 'forwardAndLogDet');
    const [h, w, c4] = z.shape.slice(z.rank - 3);
    if (c4 % 4 !== 0)
      throw new BijectorError(
        `Squeeze.forwardAndLogDet: argument 'z' must have a number of channels divisible by 4, ` +
          `got shape [${z.shape.join(', ')}]`,
      );
    const c = c4 / 4;
    return tf.tidy(() => {
      const split = tf.reshape(z, [-1, h, w, c, 2, 2]);
      const x = tf.transpose(split, [0, 1, 4, 2, 5, 3]);
      return [tf.reshape(x, [...batchShape, 2 * h, 2 * w, c]), tf.zeros(batchShape)];
    });
  }

  /** Space-to-depth: `[..., h, w, c]` to `[..., h/2, w/2, 4c]`. */
  override inverseAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batchShape = this.batchShapeOf(x, 'inverseAndLogDet');
    const [h, w, c] = x.shape.slice(x.rank - 3);
    if (h % 2 !== 0 || w % 2 !== 0)
      throw new BijectorError(
        `Squeeze.inverseAndLogDet: argument 'x' must have an even height and width, ` +
          `got shape [${x.shape.join(', ')}]`,
      );
    return tf.tidy(() => {
      const patches = tf.reshape(x, [-1, h / 2, 2, w / 2, 2, c]);
      const z = tf.transpose(patches, [0, 1, 3, 5, 2, 4]);
      return [tf.reshape(z, [...batchShape, h / 2, w / 2, 4 * c]), tf.zeros(batchShape)];
    });
  }
}
