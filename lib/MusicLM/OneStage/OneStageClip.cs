using MusicLM.MuLan;
using MusicLM.Stages;
using MusicLM.Torch;

namespace MusicLM.OneStage;

/// <summary>
/// What the one-stage model trains on for one clip: every codec level (Q × T, <c>Codes[level][frame]</c>) and the
/// MuLan text tower's token states of the clip's caption (<see cref="TextLength"/> × width, row-major), computed once
/// with the frozen text tower, as MusicGen precomputes T5's.
/// </summary>
public sealed record OneStageClip(int Seed, string Caption, long[][] Codes, float[] TextStates, int TextLength)
{
    /// <summary>Codec frames (T).</summary>
    public int Frames => Codes.Length == 0 ? 0 : Codes[0].Length;

    /// <summary>
    /// The clips of a stage token set with their captions' text states: the codec codes the hierarchy's acoustic
    /// stages train on, the captions composed again from the seeds, the states from <paramref name="mulan"/>'s text
    /// tower (frozen, eval mode, in chunks).
    /// </summary>
    public static IReadOnlyList<OneStageClip> From(StageTokenSet tokens, MuLanModel mulan)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(mulan);
        var captions = tokens.Captions();
        var states = TextStatesOf(mulan, captions);
        return tokens.Clips.Select((c, i) => new OneStageClip(c.Seed, captions[i], c.Acoustic, states[i].States, states[i].Length)).ToList();
    }

    /// <summary>The text states of each caption, unpadded: (row-major L × width, L).</summary>
    public static IReadOnlyList<(float[] States, int Length)> TextStatesOf(MuLanModel mulan, IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(mulan);
        ArgumentNullException.ThrowIfNull(captions);
        var result = new List<(float[], int)>(captions.Count);
        var W = mulan.TextWidth;
        foreach (var chunk in captions.Chunk(64))
        {
            using var scope = torch.NewDisposeScope();
            var (states, mask) = mulan.TextStates(chunk);                              // (b, L, W), (b, L)
            long L = states.size(1);
            var all = states.cpu().contiguous().ToArray<float>();
            var pad = mask.cpu().ToArray<bool>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = 0;
                while (n < L && !pad[i * L + n]) n++;
                result.Add((all.AsSpan((int)(i * L * W), n * W).ToArray(), n));
            }
        }
        return result;
    }

    /// <summary>
    /// A batch of text states, right-padded to the longest: states (B, L, W) and mask (B, L; true = ignore). A row
    /// whose entry is null gets the null condition: one zero state, the rest masked.
    /// </summary>
    public static (Tensor States, Tensor Mask) Batch(IReadOnlyList<(float[] States, int Length)?> rows, int width, Device device)
    {
        var L = Math.Max(1, rows.Max(r => r?.Length ?? 1));
        var data = new float[rows.Count * L * width];
        var mask = new bool[rows.Count * L];
        for (var b = 0; b < rows.Count; b++)
        {
            var n = rows[b]?.Length ?? 1;
            if (rows[b] is { } r) Array.Copy(r.States, 0, data, b * L * width, r.Length * width);
            for (var t = n; t < L; t++) mask[b * L + t] = true;
        }
        using var scope = torch.NewDisposeScope();
        var states = torch.tensor(data, rows.Count, L, width).to(device);
        var m = torch.tensor(mask, rows.Count, L).to(device);
        return (states.MoveToOuterDisposeScope(), m.MoveToOuterDisposeScope());
    }
}
