using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Transformers;

namespace MusicLM.Tests.Stages;

/// <summary>Stages with tiny vocabularies (2 MuLan levels × 4, 6 semantic tokens, 3 codec levels × 5 codes) and windows.</summary>
internal static class TinyStages
{
    public const int C = 2, M = 4, Ks = 6, Q = 3, Ka = 5, R = 2;

    public static StageConfig Config(StageKind kind, int window = 6) => new()
    {
        Kind = kind, ConditioningLevels = C, ConditioningCodebook = M, SemanticVocabulary = Ks, CodecLevels = Q, CodebookSize = Ka,
        CoarseLevels = 1, FrameRatio = R, SemanticFrames = window, AcousticFrames = window,
        Transformer = TransformerConfig.Tiny(2, 2) with { Width = 48 },
    };

    public static StageModel Model(StageKind kind, int window = 6, ulong seed = 0)
    {
        torch.manual_seed(seed);
        return new StageModel(Config(kind, window));
    }

    /// <summary>
    /// A clip whose streams follow from its conditioning: semantic t = (c₀ + c₁ + t) mod K_s, codec level l at frame f
    /// = (semantic[f / R] + l) mod K_a. Deterministic, so a stage can learn it to near-zero loss.
    /// </summary>
    public static ClipTokens Deterministic(int seed, int semanticFrames = 20)
    {
        var rng = new Random(seed);
        var cond = new long[] { rng.Next(M), rng.Next(M) };
        var semantic = Enumerable.Range(0, semanticFrames).Select(t => (cond[0] + cond[1] + t) % Ks).ToArray();
        var acoustic = Enumerable.Range(0, Q).Select(l => Enumerable.Range(0, semanticFrames * R).Select(f => (semantic[f / R] + l) % Ka).ToArray()).ToArray();
        return new ClipTokens(seed, cond, semantic, acoustic);
    }

    public static ClipTokens Random(int seed, int semanticFrames = 20)
    {
        var rng = new Random(seed);
        long[] Draw(int n, int k) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(k)).ToArray();
        return new ClipTokens(seed, Draw(C, M), Draw(semanticFrames, Ks), Enumerable.Range(0, Q).Select(_ => Draw(semanticFrames * R, Ka)).ToArray());
    }

    public static long[] PrefixOf(StageModel stage, ClipTokens clip, int start = 0) => stage.Layout.Build(clip, start).Tokens[..stage.Layout.PrefixLength];

    public static readonly StageKind[] Kinds = { StageKind.Semantic, StageKind.Coarse, StageKind.Fine };
    public static TheoryData<StageKind> AllKinds => new(Kinds);
}
