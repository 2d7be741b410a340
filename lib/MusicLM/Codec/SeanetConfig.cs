using System.Text.Json.Serialization;
using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec;

/// <summary>
/// The SEANet encoder/decoder of SoundStream and EnCodec (EnCodec's <c>modules/seanet.py</c>): a stack of
/// strided convolutions, each preceded by residual blocks, optionally followed by an LSTM.
/// <see cref="Ratios"/> are the decoder's upsampling ratios; the encoder applies them reversed
/// (EnCodec 24 kHz: [8, 5, 4, 2] → the encoder downsamples by 2, 4, 5, 8).
/// </summary>
public sealed record SeanetConfig
{
    /// <summary>Audio channels (1 = mono).</summary>
    public int Channels { get; init; } = 1;
    /// <summary>Size of the latent vector per frame (the codebook dimension).</summary>
    public int Dimension { get; init; } = 128;
    /// <summary>Channels of the first convolution; doubled after every downsampling.</summary>
    public int NFilters { get; init; } = 32;
    /// <summary>Residual blocks before each downsampling layer (block j has dilation DilationBase^j).</summary>
    public int NResidualLayers { get; init; } = 1;
    /// <summary>Upsampling ratios of the decoder, largest first; the encoder uses them reversed.</summary>
    public int[] Ratios { get; init; } = { 8, 5, 4, 2 };
    /// <summary>Activation: "ELU" (EnCodec's and SoundStream's) or "Snake" (BigVGAN's and DAC's, <see cref="Snake"/>).</summary>
    public string Activation { get; init; } = "ELU";
    /// <summary>The ELU's α.</summary>
    public double ActivationAlpha { get; init; } = 1.0;
    public int KernelSize { get; init; } = 7;
    public int LastKernelSize { get; init; } = 7;
    public int ResidualKernelSize { get; init; } = 3;
    public int DilationBase { get; init; } = 2;
    /// <summary>Causal convolutions pad on the left only, so a frame never sees the future (streaming).</summary>
    public bool Causal { get; init; } = false;
    /// <summary>"reflect" or "constant" (zeros).</summary>
    public string PadMode { get; init; } = "reflect";
    /// <summary>Identity skip connections in the residual blocks; false = a 1×1 convolution (EnCodec's default).</summary>
    public bool TrueSkip { get; init; } = false;
    /// <summary>Channel reduction inside a residual block (hidden = dim / Compress).</summary>
    public int Compress { get; init; } = 2;
    /// <summary>LSTM layers after the encoder's convolutions and before the decoder's (0 = none).</summary>
    public int Lstm { get; init; } = 2;
    /// <summary>"weight_norm" or "none".</summary>
    public string Norm { get; init; } = "weight_norm";
    /// <summary>For a causal decoder, the share of a transposed convolution's padding trimmed on the right.</summary>
    public double TrimRightRatio { get; init; } = 1.0;

    /// <summary>Samples per frame: the product of the strides.</summary>
    [JsonIgnore] public int HopLength => Ratios.Aggregate(1, (a, r) => a * r);

    /// <summary>
    /// EnCodec 24 kHz exactly (Défossez et al. 2022; <c>EncodecModel.encodec_model_24khz</c>): weights of the
    /// official checkpoint load into it. EnCodec's <c>SEANetEncoder</c> defaults to <c>true_skip=False</c>,
    /// so every residual block has a 1×1 shortcut convolution (<c>encoder.model.1.shortcut.conv.conv.weight_g</c>).
    /// </summary>
    public static SeanetConfig Encodec24k => new()
    {
        Channels = 1, Dimension = 128, NFilters = 32, NResidualLayers = 1, Ratios = new[] { 8, 5, 4, 2 },
        Activation = "ELU", ActivationAlpha = 1.0, KernelSize = 7, LastKernelSize = 7, ResidualKernelSize = 3,
        DilationBase = 2, Causal = true, PadMode = "reflect", TrueSkip = false, Compress = 2, Lstm = 2, Norm = "weight_norm",
    };

    /// <summary>
    /// SoundStream as MusicLM uses it (Zeghidour et al. 2021; Agostinelli et al. 2023 §3.1): 24 kHz audio,
    /// strides 3·4·5·8 = 480 → 50 frames per second; residual units with dilations 1, 3, 9 and kernel 7,
    /// causal zero padding, no LSTM.
    /// </summary>
    public static SeanetConfig SoundStream => new()
    {
        Channels = 1, Dimension = 128, NFilters = 32, NResidualLayers = 3, Ratios = new[] { 8, 5, 4, 3 },
        ResidualKernelSize = 7, DilationBase = 3, Causal = true, PadMode = "constant", TrueSkip = true, Lstm = 0,
    };

    /// <summary>
    /// A small codec for the course (about 1.5 M parameters): 16 kHz, strides 2·4·5·8 = 320 → 50 frames per
    /// second, 16 filters, a 64-dimensional latent, no LSTM, and Snake activations (as in the Descript Audio Codec)
    /// instead of ELU — trainable on a laptop CPU in minutes. Snake costs about a third more time per step; after the
    /// same 1,100 steps its held-out mel distance was 0.89 against ELU's 1.04 (8 levels), the ELU codec's hiss
    /// between harmonics being what a short run leaves.
    /// </summary>
    public static SeanetConfig Course => new()
    {
        Channels = 1, Dimension = 64, NFilters = 16, NResidualLayers = 1, Ratios = new[] { 8, 5, 4, 2 },
        Causal = false, PadMode = "reflect", TrueSkip = true, Lstm = 0, Activation = "Snake",
    };

    /// <summary>The configured activation for <paramref name="channels"/> channels.</summary>
    internal Module<Tensor, Tensor> NewActivation(long channels) => Activation == "Snake" ? new Snake(channels) : new ELU(ActivationAlpha);

    internal void Validate()
    {
        if (Channels < 1) throw new ArgumentException($"Channels must be at least 1, got {Channels}");
        if (Dimension < 1 || NFilters < 1) throw new ArgumentException("Dimension and NFilters must be positive");
        if (Ratios.Length == 0 || Ratios.Any(r => r < 1)) throw new ArgumentException("Ratios must be a non-empty list of positive strides");
        if (Activation is not ("ELU" or "Snake")) throw new ArgumentException($"Activation must be \"ELU\" or \"Snake\", got \"{Activation}\"");
        if (PadMode is not ("reflect" or "constant")) throw new ArgumentException($"PadMode must be \"reflect\" or \"constant\", got \"{PadMode}\"");
        if (Norm is not ("weight_norm" or "none")) throw new ArgumentException($"Norm must be \"weight_norm\" or \"none\", got \"{Norm}\"");
        if (Compress < 1 || NFilters % Compress != 0) throw new ArgumentException($"Compress ({Compress}) must divide NFilters ({NFilters})");
        if (Lstm < 0) throw new ArgumentException($"Lstm must be 0 (none) or a number of layers, got {Lstm}");
    }
}
