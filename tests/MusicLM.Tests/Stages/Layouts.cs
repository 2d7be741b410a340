using MusicLM.Stages;

namespace MusicLM.Tests.Stages;

/// <summary>The course's stream sizes, small windows, and random clips that fit them.</summary>
internal static class Layouts
{
    public const int C = 12, M = 64, Ks = 256, Q = 8, Ka = 256, R = 2, Coarse = 3, Fine = 5;
    public const int WindowS = 10, WindowA = WindowS * R;

    public static readonly string[] Names = { "semantic", "coarse", "fine" };

    public static TheoryData<string> All => new(Names);

    public static TokenLayout Make(string name, bool timeAligned = true) => name switch
    {
        "semantic" => new SemanticLayout(C, M, Ks, WindowS, timeAligned),
        "coarse" => new CoarseLayout(C, M, Ks, WindowS, Coarse, Ka, R, timeAligned),
        "fine" => new FineLayout(C, M, Coarse, Fine, Ka, WindowA, timeAligned),
        _ => throw new ArgumentException(name),
    };

    /// <summary>A clip of <paramref name="semanticFrames"/> semantic and R× as many acoustic frames, every code drawn uniformly (so last codes occur too).</summary>
    public static ClipTokens RandomClip(int seed, int semanticFrames = 40, int levels = Q)
    {
        var rng = new Random(seed);
        long[] Draw(int n, int k) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(k)).ToArray();
        return new ClipTokens(seed, Draw(C, M), Draw(semanticFrames, Ks), Enumerable.Range(0, levels).Select(_ => Draw(semanticFrames * R, Ka)).ToArray());
    }

    /// <summary>The clip's window as the layout's Revert should give it, written out from the task's definition.</summary>
    public static long[][] ExpectedWindow(string name, ClipTokens clip, int start) => name switch
    {
        "semantic" => new[] { clip.Semantic[start..(start + WindowS)] },
        "coarse" => Enumerable.Range(0, Coarse).Select(l => clip.Acoustic[l][(start * R)..(start * R + WindowA)]).ToArray(),
        _ => Enumerable.Range(Coarse, Fine).Select(l => clip.Acoustic[l][start..(start + WindowA)]).ToArray(),
    };

    /// <summary>What index <paramref name="i"/> holds, from the layout's definition: (vocabulary range name, code, rotary position when time-aligned).</summary>
    public static (string Range, long Code, long Position) Expected(string name, ClipTokens clip, int start, int i)
    {
        if (i < C) return ($"cond {i + 1}", clip.Conditioning[i], i);
        var j = i - C;
        switch (name)
        {
            case "semantic":
                return ("semantic", clip.Semantic[start + j], C + j);
            case "coarse":
                if (j < WindowS) return ("semantic", clip.Semantic[start + j], C + j * R);
                j -= WindowS;
                int f = j / Coarse, l = j % Coarse;
                return ($"acoustic {l + 1}", clip.Acoustic[l][start * R + f], C + f);
            default:
                if (j < WindowA * Coarse) return ($"acoustic {j % Coarse + 1}", clip.Acoustic[j % Coarse][start + j / Coarse], C + j / Coarse);
                j -= WindowA * Coarse;
                int fl = Coarse + j % Fine;
                return ($"acoustic {fl + 1}", clip.Acoustic[fl][start + j / Fine], C + j / Fine);
        }
    }
}
