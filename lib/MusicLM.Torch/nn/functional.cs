using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch.nn;

/// <summary>How a loss reduces over elements (PyTorch's <c>reduction=</c>).</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2 }

/// <summary>Padding modes of <see cref="functional.pad"/>.</summary>
public enum PaddingMode { Constant = 0, Reflect = 1, Replicate = 2 }

/// <summary>Modes of <c>functional.interpolate</c>.</summary>
public enum InterpolationMode { Nearest = 0, Linear = 1 }

/// <summary>
/// PyTorch's <c>torch.nn.functional</c>; bring it in with <c>using F = MusicLM.Torch.nn.functional;</c>.
/// </summary>
public static unsafe class functional
{
    private static IntPtr H(Tensor? t) => t?.Handle ?? IntPtr.Zero;

    public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) => new(mlt_linear(input.Handle, weight.Handle, H(bias)));

    public static Tensor conv1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        new(mlt_conv1d(input.Handle, weight.Handle, H(bias), stride, padding, dilation, groups));

    public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null, (long, long)? padding = null, (long, long)? dilation = null, long groups = 1)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        long* ps = stackalloc long[] { s.Item1, s.Item2 };
        long* pp = stackalloc long[] { p.Item1, p.Item2 };
        long* pd = stackalloc long[] { d.Item1, d.Item2 };
        return new(mlt_conv2d(input.Handle, weight.Handle, H(bias), ps, pp, pd, groups));
    }

    public static Tensor conv_transpose1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long output_padding = 0, long groups = 1, long dilation = 1) =>
        new(mlt_conv_transpose1d(input.Handle, weight.Handle, H(bias), stride, padding, output_padding, groups, dilation));

    public static Tensor avg_pool1d(Tensor input, long kernel_size, long? stride = null, long padding = 0) =>
        new(mlt_pool1d(input.Handle, 0, kernel_size, stride ?? kernel_size, padding));

    public static Tensor max_pool1d(Tensor input, long kernel_size, long? stride = null, long padding = 0) =>
        new(mlt_pool1d(input.Handle, 1, kernel_size, stride ?? kernel_size, padding));

    /// <summary>Pads the last dims; <paramref name="pad"/> in PyTorch's order (last dim's left, right, then the one before).</summary>
    public static Tensor pad(Tensor input, long[] pad, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        fixed (long* p = pad) return new(mlt_pad(input.Handle, p, pad.Length, (int)mode, value));
    }

    /// <summary>Resizes the time axis of a (batch, channels, time) tensor to <paramref name="size"/> samples.</summary>
    public static Tensor interpolate(Tensor input, long size, InterpolationMode mode = InterpolationMode.Nearest) =>
        new(mlt_interpolate1d(input.Handle, size, (int)mode, 0));

    /// <summary>Resizes the time axis by <paramref name="scale_factor"/>; positions map through the factor, as in PyTorch.</summary>
    public static Tensor interpolate(Tensor input, double scale_factor, InterpolationMode mode = InterpolationMode.Nearest)
    {
        if (!(scale_factor > 0)) throw new ArgumentOutOfRangeException(nameof(scale_factor), scale_factor, "scale factor must be positive");
        return new(mlt_interpolate1d(input.Handle, (long)Math.Floor(input.size(-1) * scale_factor), (int)mode, scale_factor));
    }

    public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* p = normalized_shape) return new(mlt_layer_norm(input.Handle, p, normalized_shape.Length, H(weight), H(bias), eps));
    }

    public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        new(mlt_group_norm(input.Handle, num_groups, H(weight), H(bias), eps));

    public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        new(mlt_batch_norm(input.Handle, H(weight), H(bias), H(running_mean), H(running_var), training ? 1 : 0, momentum, eps));

    public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        return new(mlt_dropout(input.Handle, p, training ? 1 : 0));
    }

    public static Tensor embedding(Tensor input, Tensor weight, long padding_idx = -1) => new(mlt_embedding(weight.Handle, input.Handle, padding_idx));

    public static Tensor one_hot(Tensor input, long num_classes = -1) => new(mlt_one_hot(input.Handle, num_classes));

    public static Tensor relu(Tensor x) => x.relu();
    public static Tensor gelu(Tensor x, string approximate = "none") => x.gelu(approximate);
    public static Tensor silu(Tensor x) => x.silu();
    public static Tensor elu(Tensor x, double alpha = 1.0) => x.elu(alpha);
    public static Tensor leaky_relu(Tensor x, double negative_slope = 0.01) => x.leaky_relu(negative_slope);
    /// <summary>
    /// Snake, x + sin²(α x) / (α + 1e-9), for x (B, C, T) and one α per channel (1, C, 1), as one autograd function:
    /// on the CPU in float32 each direction is a single fused pass (composed of ops it is about five passes forward
    /// and ten backward); elsewhere, and when the backward itself is differentiated, it runs the same formula as ops.
    /// </summary>
    public static Tensor snake(Tensor x, Tensor alpha) => new(mlt_snake(x.Handle, alpha.Handle));
    public static Tensor softplus(Tensor x, double beta = 1.0, double threshold = 20.0) => x.softplus(beta, threshold);
    public static Tensor sigmoid(Tensor x) => x.sigmoid();
    public static Tensor tanh(Tensor x) => x.tanh();
    public static Tensor softmax(Tensor x, long dim) => x.softmax(dim);
    public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);

    /// <summary>w = g · v / ‖v‖ with the norm over every dim except <paramref name="dim"/> (weight normalisation).</summary>
    public static Tensor weight_norm(Tensor v, Tensor g, long dim = 0) => new(mlt_weight_norm(v.Handle, g.Handle, dim));

    /// <summary>
    /// Cross-entropy between logits (N, C, ...) and class indices (N, ...) — or class probabilities of
    /// the logits' shape — with PyTorch's <c>ignore_index</c> and <c>label_smoothing</c>.
    /// </summary>
    public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean, double label_smoothing = 0.0)
    {
        if (label_smoothing < 0 || label_smoothing > 1) throw new ArgumentOutOfRangeException(nameof(label_smoothing), label_smoothing, "label smoothing must be in [0, 1]");
        return new(mlt_cross_entropy(input.Handle, target.Handle, H(weight), (int)reduction, ignore_index, label_smoothing));
    }

    public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => new(mlt_mse_loss(input.Handle, target.Handle, (int)reduction));
    public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => new(mlt_l1_loss(input.Handle, target.Handle, (int)reduction));

    public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Tensor? pos_weight = null, Reduction reduction = Reduction.Mean) =>
        new(mlt_bce_with_logits(input.Handle, target.Handle, H(weight), H(pos_weight), (int)reduction));

    /// <summary>
    /// Multi-layer LSTM (batch_first) over (batch, time, features). <paramref name="weights"/> holds, per layer,
    /// w_ih (4H × in), w_hh (4H × H), b_ih, b_hh. Returns the outputs and the final hidden and cell states.
    /// </summary>
    public static (Tensor output, Tensor h, Tensor c) lstm(Tensor input, IReadOnlyList<Tensor> weights, long num_layers, (Tensor h, Tensor c)? state = null, double dropout = 0, bool training = false)
    {
        if (weights.Count != 4 * num_layers) throw new ArgumentException($"an LSTM of {num_layers} layers needs {4 * num_layers} weight tensors, got {weights.Count}", nameof(weights));
        var hs = Tensor.Handles(weights);
        var outp = stackalloc IntPtr[2];
        IntPtr y;
        fixed (IntPtr* p = hs)
            y = mlt_lstm(input.Handle, H(state?.h), H(state?.c), p, hs.Length, num_layers, dropout, training ? 1 : 0, 1, outp);
        var output = new Tensor(y);
        return (output, new Tensor(outp[0]), new Tensor(outp[1]));
    }
}
