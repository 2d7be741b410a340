using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Codec.Training;

/// <summary>
/// EnCodec's MS-STFT discriminator (Défossez et al. 2022 §3.4): the same network on complex STFTs at several
/// resolutions, so it judges both fine timing (short windows) and fine pitch (long windows).
/// audio (B, 1, T) → per scale: logits (B, 1, frames_s, F'_s) and feature maps.
/// </summary>
public sealed class MultiScaleSTFTDiscriminator : Module<Tensor, DiscriminatorOutput>
{
    public readonly ModuleList<DiscriminatorSTFT> discriminators;

    public MultiScaleSTFTDiscriminator(DiscriminatorConfig config)
    {
        config.Validate();
        Config = config;
        discriminators = new ModuleList<DiscriminatorSTFT>(config.NFfts.Select(n => new DiscriminatorSTFT(n, config)));
    }

    public DiscriminatorConfig Config { get; }

    public override DiscriminatorOutput forward(Tensor audio)
    {
        if (audio.dim() != 3 || audio.size(1) != 1)
            throw new ArgumentException($"the discriminator takes mono audio (B, 1, T), got [{string.Join(", ", audio.shape)}]", nameof(audio));
        if (audio.size(-1) < Config.MinSamples)
            throw new ArgumentException($"the discriminator needs at least {Config.MinSamples} samples (its longest FFT), got {audio.size(-1)}", nameof(audio));
        var logits = new List<Tensor>();
        var fmaps = new List<IReadOnlyList<Tensor>>();
        foreach (var d in discriminators)
        {
            var (logit, fm) = d.forward(audio);
            logits.Add(logit);
            fmaps.Add(fm);
        }
        return new DiscriminatorOutput(logits, fmaps);
    }
}
