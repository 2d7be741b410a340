namespace MusicLM.MuLan;

/// <summary>
/// The audio tower: log-mel bands as channels → a convolutional stem → <see cref="Stages"/> residual stages, each
/// halving the frame rate → <see cref="TransformerLayers"/> self-attention blocks over the reduced frames (they can
/// compare distant frames, which tempo and form need) → mean over time → a linear map into the joint space.
/// MuLan used a ResNet-50 or an AST on log-mel patches; a small 1-d conv net is what trains in minutes on a CPU.
/// </summary>
public sealed record AudioTowerConfig
{
    /// <summary>Width of every convolution.</summary>
    public int Channels { get; init; } = 192;
    /// <summary>Residual stages; each ends with a stride-2 convolution.</summary>
    public int Stages { get; init; } = 3;
    public int KernelSize { get; init; } = 3;
    public int TransformerLayers { get; init; } = 1;
    public int Heads { get; init; } = 4;

    /// <summary>Frames per output frame after the stages: 2^Stages.</summary>
    public int Downsampling => 1 << Stages;

    public static AudioTowerConfig Course => new();

    internal void Validate()
    {
        if (Channels < 1 || Stages < 0 || KernelSize < 1 || KernelSize % 2 == 0) throw new ArgumentException($"the audio tower needs Channels ≥ 1, Stages ≥ 0 and an odd KernelSize, got {Channels}, {Stages}, {KernelSize}");
        if (TransformerLayers < 0 || Heads < 1 || Channels % Heads != 0) throw new ArgumentException($"the audio tower's Channels ({Channels}) must divide into Heads ({Heads}) and TransformerLayers ≥ 0");
    }
}
