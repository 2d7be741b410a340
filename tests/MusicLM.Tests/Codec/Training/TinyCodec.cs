using MusicLM.Audio;
using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.Codec.Training;
using MusicLM.Torch;

namespace MusicLM.Tests.Codec.Training;

/// <summary>A codec and trainer settings small enough for a test to train a few dozen steps in seconds.</summary>
internal static class TinyCodec
{
    public static CodecConfig Config => new()
    {
        SampleRate = 16000,
        Seanet = SeanetConfig.Course with { NFilters = 4, Dimension = 16 },
        CodebookSize = 32,
        TargetBandwidths = new[] { 0.5, 1.0 },  // 250 bps per level → 4 levels
        KmeansIters = 5,
    };

    public static DiscriminatorConfig Discriminator => new() { NFfts = new[] { 256, 512, 128 }, Filters = 4 };

    public static CodecTrainerConfig Trainer => CodecTrainerConfig.Quick with
    {
        Discriminator = Discriminator, LearningRate = 2e-3, WarmupSteps = 2, DiscriminatorProbability = 1.0,
    };

    public static CodecModel Model(ulong seed = 1)
    {
        torch.manual_seed(seed);
        return new CodecModel(Config);
    }

    public static List<AudioClip> Clips(int count = 3, double seconds = 1.0) =>
        Enumerable.Range(0, count).Select(i => SyntheticMusic.Generate(100 + i, 16000, seconds).Audio).ToList();
}
