using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Codec.Training;

/// <summary>
/// One scale of EnCodec's STFT discriminator (<c>DiscriminatorSTFT</c>): audio (B, 1, T) → complex STFT, real
/// and imaginary parts as 2 channels (B, 2, frames, F) → Conv2d (3×9) → three Conv2d (3×9, stride (1, 2),
/// dilation d in time) → Conv2d (3×3) → logits (B, 1, frames, F'), with LeakyReLU(0.2) after every layer but
/// the last. Every activation is kept as a feature map.
/// </summary>
public sealed class DiscriminatorSTFT : Module<Tensor, (Tensor logits, List<Tensor> featureMaps)>
{
    public readonly ModuleList<Conv2d> convs;
    public readonly Conv2d conv_post;
    [Transient] private readonly double slope;

    public DiscriminatorSTFT(int nFft, DiscriminatorConfig config)
    {
        config.Validate();
        NFft = nFft;
        slope = config.LeakySlope;
        var wn = config.WeightNorm;
        (long, long) k = (config.KernelTime, config.KernelFreq), kSquare = (config.KernelTime, config.KernelTime);
        int Width(int i) => (int)Math.Min((long)Math.Pow(config.FilterScale, i) * config.Filters, config.MaxFilters);
        convs = new ModuleList<Conv2d>();
        convs.Add(new Conv2d(2, Width(0), k, padding: Padding(k, (1, 1)), weight_norm: wn));
        long inCh = Width(0);
        for (var i = 0; i < config.Dilations.Length; i++)
        {
            long outCh = Width(i + 1);
            (long, long) d = (config.Dilations[i], 1);
            convs.Add(new Conv2d(inCh, outCh, k, stride: (1, 2), dilation: d, padding: Padding(k, d), weight_norm: wn));
            inCh = outCh;
        }
        long last = Width(config.Dilations.Length + 1);
        convs.Add(new Conv2d(inCh, last, kSquare, padding: Padding(kSquare, (1, 1)), weight_norm: wn));
        conv_post = new Conv2d(last, 1, kSquare, padding: Padding(kSquare, (1, 1)), weight_norm: wn);
    }

    public int NFft { get; }
    public int HopLength => NFft / 4;

    /// <summary>EnCodec's <c>get_2d_padding</c>: "same" padding for an odd kernel and a dilation.</summary>
    private static (long, long) Padding((long, long) k, (long, long) d) => ((k.Item1 - 1) * d.Item1 / 2, (k.Item2 - 1) * d.Item2 / 2);

    /// <summary>
    /// The complex spectrogram as 2 channels: (B, 1, T) → (B, 2, frames, F). No centring; normalised by the window's
    /// energy (torchaudio's <c>normalized=True</c>), so the scale does not depend on n_fft.
    /// </summary>
    public Tensor Spectrum(Tensor audio)
    {
        using var scope = torch.NewDisposeScope();
        var x = audio.reshape(audio.size(0), audio.size(-1));                  // (B, T), mono
        var window = torch.hann_window(NFft, dtype: x.dtype, device: x.device);
        var spec = torch.stft(x, NFft, HopLength, NFft, window, center: false); // complex (B, F, frames)
        var z = spec.view_as_real().permute(0, 3, 2, 1);                       // (B, 2, frames, F)
        var norm = Math.Sqrt(window.pow(2).sum().item());
        return (z / norm).contiguous().MoveToOuterDisposeScope();
    }

    public override (Tensor logits, List<Tensor> featureMaps) forward(Tensor audio)
    {
        using var scope = torch.NewDisposeScope();
        var z = Spectrum(audio);                                                // (B, 2, frames, F)
        var fmaps = new List<Tensor>();
        foreach (var conv in convs)
        {
            z = F.leaky_relu(conv.forward(z), slope);                           // (B, C, frames, F / 2^i)
            fmaps.Add(z);
        }
        var logits = conv_post.forward(z);                                      // (B, 1, frames, F')
        return (logits.MoveToOuterDisposeScope(), fmaps.Select(f => f.MoveToOuterDisposeScope()).ToList());
    }
}
