using MusicLM.Audio.Synthesis;
using MusicLM.Torch;

namespace MusicLM.MuLan;

/// <summary>
/// How well a MuLan model ties text to music, on held-out clips with ground truth (use seeds never trained or
/// tuned on; the course uses <c>SyntheticMusic.Generate(seed ≥ 1,000,000, 16000, 10)</c>). Each clip is embedded
/// whole; the gallery is the clips given, so recall falls as the set grows.
/// </summary>
/// <param name="Clips">Held-out clips scored.</param>
/// <param name="TextToAudioRecallAt1">Share of captions whose own clip ranks first among all clips.</param>
/// <param name="TextToAudioRecallAt5">… within the first five.</param>
/// <param name="AudioToTextRecallAt1">Share of clips whose own caption ranks first among all captions.</param>
/// <param name="AudioToTextRecallAt5">… within the first five.</param>
/// <param name="AttributePrecisionAt1">Share of captions whose top clip has every instrument, style, tempo class, mode and meter the caption names (<see cref="CaptionAttributes.IsSatisfiedBy"/> without key and mood).</param>
/// <param name="AttributePrecisionAt1Strict">… and also its key and mood words.</param>
/// <param name="ChanceAttributePrecisionAt1">The same for a random clip: the mean share of clips each caption fits.</param>
/// <param name="ZeroShot">Nearest-prompt classification per task (style, lead instrument, mode, tempo).</param>
/// <param name="MatchedCosine">Mean cosine between a clip's audio and its caption's text embedding.</param>
/// <param name="UnmatchedCosine">Mean cosine between a clip and the other clips' captions: the gap between the two is what retrieval uses.</param>
/// <param name="TokenLevelsAgreeing">Mean number of conditioning-token levels where a clip's audio tokens equal its caption's text tokens (NaN when the quantizer is not fitted).</param>
/// <param name="FirstTokenAgreement">Share of clips whose first-level audio and text tokens are equal (NaN when not fitted).</param>
public sealed record MuLanEvaluation(
    int Clips,
    double TextToAudioRecallAt1,
    double TextToAudioRecallAt5,
    double AudioToTextRecallAt1,
    double AudioToTextRecallAt5,
    double AttributePrecisionAt1,
    double AttributePrecisionAt1Strict,
    double ChanceAttributePrecisionAt1,
    IReadOnlyList<ZeroShotResult> ZeroShot,
    double MatchedCosine,
    double UnmatchedCosine,
    double TokenLevelsAgreeing,
    double FirstTokenAgreement)
{
    /// <summary>Scores <paramref name="model"/> on clips with captions and attributes.</summary>
    public static MuLanEvaluation Run(MuLanModel model, IReadOnlyList<MuLanExample> heldOut)
    {
        var features = MuLanFeatures.Compute(model, heldOut);
        try { return Run(model, features); }
        finally { foreach (var f in features) f.Mel.Dispose(); }
    }

    /// <summary>Scores <paramref name="model"/> on precomputed features (every item needs attributes).</summary>
    public static MuLanEvaluation Run(MuLanModel model, IReadOnlyList<MuLanFeatures> heldOut)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(heldOut);
        if (heldOut.Count < 2) throw new ArgumentException($"evaluation needs at least 2 clips, got {heldOut.Count}", nameof(heldOut));
        if (heldOut.Any(h => h.Attributes is null)) throw new ArgumentException("every evaluation clip needs its ground-truth attributes", nameof(heldOut));
        var attrs = heldOut.Select(h => h.Attributes!).ToList();
        using var scope = torch.NewDisposeScope();
        var audio = model.EmbedFeatures(heldOut.Select(h => h.Mel).ToList());                      // (N, E)
        var text = model.EmbedText(heldOut.Select(h => h.Caption).ToList());                         // (N, E)
        var sim = text.matmul(audio.t());                                                            // (N_text, N_audio)
        int n = heldOut.Count;
        var t2a = Ranks(sim);
        var a2t = Ranks(sim.t());

        // Attribute-consistent precision@1: does the top clip have what the caption names?
        var named = heldOut.Select(h => CaptionAttributes.Parse(h.Caption)).ToList();
        var top = sim.argmax(1).ToArray<long>();
        double core = 0, strict = 0, chance = 0;
        for (var i = 0; i < n; i++)
        {
            if (named[i].IsSatisfiedBy(attrs[(int)top[i]], keyAndMood: false)) core++;
            if (named[i].IsSatisfiedBy(attrs[(int)top[i]])) strict++;
            chance += attrs.Count(a => named[i].IsSatisfiedBy(a, keyAndMood: false)) / (double)n;
        }

        var s = sim.ToArray<float>();
        double matched = 0, unmatched = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                if (i == j) matched += s[i * n + j];
                else unmatched += s[i * n + j];

        double levels = double.NaN, first = double.NaN;
        if (model.quantizer.IsFitted)
        {
            var ta = model.Tokens(audio).ToArray<long>();
            var tt = model.Tokens(text).ToArray<long>();
            int l = model.quantizer.Levels;
            levels = 0; first = 0;
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < l; k++) if (ta[i * l + k] == tt[i * l + k]) levels++;
                if (ta[i * l] == tt[i * l]) first++;
            }
            levels /= n; first /= n;
        }

        return new MuLanEvaluation(n,
            Share(t2a, 1), Share(t2a, 5), Share(a2t, 1), Share(a2t, 5),
            core / n, strict / n, chance / n,
            ZeroShotResult.All(model, audio, attrs),
            matched / n, unmatched / ((double)n * (n - 1)), levels, first);
    }

    /// <summary>For a similarity matrix (N, N) whose diagonal holds the true pairs: each row's rank of its true pair (0 = first).</summary>
    public static int[] Ranks(Tensor similarity)
    {
        var n = (int)similarity.size(0);
        if (similarity.dim() != 2 || similarity.size(1) != n) throw new ArgumentException($"similarity must be square, got [{string.Join(", ", similarity.shape)}]", nameof(similarity));
        var s = similarity.contiguous().ToArray<float>();
        var ranks = new int[n];
        for (var i = 0; i < n; i++)
        {
            var own = s[i * n + i];
            for (var j = 0; j < n; j++) if (j != i && s[i * n + j] > own) ranks[i]++;
        }
        return ranks;
    }

    private static double Share(int[] ranks, int k) => ranks.Count(r => r < k) / (double)ranks.Length;

    /// <summary>A zero-shot task by name ("style", "instrument", "mode", "tempo").</summary>
    public ZeroShotResult this[string task] => ZeroShot.First(z => z.Task == task);

    /// <summary>A few lines for a report or a notebook.</summary>
    public override string ToString() =>
        $"{Clips} held-out clips: text→audio R@1 {TextToAudioRecallAt1:P0}, R@5 {TextToAudioRecallAt5:P0}; audio→text R@1 {AudioToTextRecallAt1:P0}, R@5 {AudioToTextRecallAt5:P0}\n" +
        $"attribute-consistent P@1 {AttributePrecisionAt1:P0} (with key and mood {AttributePrecisionAt1Strict:P0}; a random clip {ChanceAttributePrecisionAt1:P0})\n" +
        "zero-shot: " + string.Join(", ", ZeroShot.Select(z => $"{z.Task} {z.Accuracy:P0} (chance {z.Chance:P0})")) + "\n" +
        $"cosine: matched {MatchedCosine:0.000}, unmatched {UnmatchedCosine:0.000}; token levels agreeing {TokenLevelsAgreeing:0.00}, first level {FirstTokenAgreement:P0}";
}
