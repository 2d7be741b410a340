using MusicLM.Audio.Synthesis;
using MusicLM.Evaluation;
using MusicLM.Tests.Codec.Training;

namespace MusicLM.Tests.Evaluation;

/// <summary>Classifiers trained once on 60 six-second synthetic clips, and 16 held-out clips with their ground truth.</summary>
public sealed class EvaluationClips
{
    public EvaluationClips()
    {
        var train = Enumerable.Range(AttributeClassifiers.TrainSeed, 60).AsParallel().AsOrdered().Select(s => SyntheticMusic.Generate(s, 16000, 6)).ToList();
        Classifiers = AttributeClassifiers.Train(train.Select(c => EvaluationFeatures.Of(c.Audio)).ToList(), train.Select(c => c.Attributes).ToList());
        HeldOut = Enumerable.Range(CourseEvaluation.PromptSeed, 16).AsParallel().AsOrdered().Select(s => SyntheticMusic.Generate(s, 16000, 8)).ToList();
        Features = HeldOut.Select(c => EvaluationFeatures.Of(c.Audio)).ToList();
    }

    public AttributeClassifiers Classifiers { get; }
    public List<SynthesizedClip> HeldOut { get; }
    public List<float[]> Features { get; }
}

public class PromptAdherenceTests(EvaluationClips e) : IClassFixture<EvaluationClips>
{
    private AdherenceRow Score(Func<SynthesizedClip, PromptTarget> target) =>
        PromptAdherence.Summarise("x", e.HeldOut.Select((c, i) => PromptAdherence.Score(c.Audio, e.Features[i], target(c), e.Classifiers)).ToList());

    /// <summary>A target naming everything the clip has (its ground truth), as a full caption would.</summary>
    private static PromptTarget Truth(SynthesizedClip c) =>
        new(c.Caption, c.Attributes.TempoBpm, c.Attributes.Key, c.Attributes.Mode, c.Attributes.Instruments.ToHashSet(), c.Attributes.Style);

    [Fact]
    public void Clips_meet_their_own_attributes()
    {
        var row = Score(Truth);
        Assert.Equal(16, row.TempoScored);
        Assert.True(row.TempoWithin8Percent >= 0.6, $"tempo {row.TempoWithin8Percent:P0}");
        Assert.True(row.KeyAndMode >= 0.5, $"key and mode {row.KeyAndMode:P0}");
        Assert.True(row.InstrumentsHeard >= 0.7, $"instruments {row.InstrumentsHeard:P0}");
        Assert.True(row.Style >= 0.6, $"style {row.Style:P0}");
    }

    [Fact]
    public void Clips_fail_attributes_they_do_not_have()
    {
        var styles = e.Classifiers.Styles;
        var row = Score(c =>
        {
            var a = c.Attributes;
            var otherKey = Audio.Analysis.KeyCandidate.PitchClassOf(a.Key) is var pc and >= 0 ? new[] { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" }[(pc + 6) % 12] : "C";
            var absent = e.Classifiers.Instruments.Where(i => !a.Instruments.Contains(i) && i != "bass" && i != "drums").Take(2).ToHashSet();
            return new PromptTarget(c.Caption, (int)Math.Round(a.TempoBpm * 1.35), otherKey, a.Mode, absent, styles[(styles.ToList().IndexOf(a.Style) + 4) % styles.Count]);
        });
        Assert.True(row.TempoWithin8Percent <= 0.2, $"tempo {row.TempoWithin8Percent:P0}");
        Assert.True(row.KeyAndMode <= 0.15, $"key and mode {row.KeyAndMode:P0}");
        Assert.True(row.InstrumentsHeard <= 0.2, $"instruments {row.InstrumentsHeard:P0}");
        Assert.True(row.Style <= 0.15, $"style {row.Style:P0}");
    }

    [Fact]
    public void Only_what_a_prompt_names_is_scored_and_captions_are_read_for_it()
    {
        var t = PromptTarget.FromCaption("A fast techno track at 132 BPM with a saw lead in A minor.");
        Assert.Equal(132, t.Bpm);
        Assert.Equal("A", t.Key);
        Assert.Equal("minor", t.Mode);
        Assert.Equal("techno", t.Style);
        Assert.Contains("synth_lead", t.Instruments);
        var bare = PromptTarget.FromCaption("some music");
        var r = PromptAdherence.Score(e.HeldOut[0].Audio, e.Features[0], bare, e.Classifiers);
        Assert.Null(r.Tempo);
        Assert.Null(r.KeyMode);
        Assert.Null(r.Style);
        Assert.Equal(0, r.InstrumentsNamed);
    }

    [Fact]
    public void Shuffled_prompts_pair_every_clip_with_another_clips_prompt()
    {
        var targets = e.HeldOut.Select(Truth).ToList();
        var shuffled = PromptAdherence.Shuffled(targets);
        Assert.Equal(targets.Count, shuffled.Count);
        Assert.All(Enumerable.Range(0, targets.Count), i => Assert.NotSame(targets[i], shuffled[i]));
        Assert.Equal(targets.ToHashSet(), shuffled.ToHashSet());
        var own = Score(Truth);
        var chance = PromptAdherence.Summarise("chance", e.HeldOut.Select((c, i) => PromptAdherence.Score(c.Audio, e.Features[i], shuffled[i], e.Classifiers)).ToList());
        Assert.True(own.Style > chance.Style && own.KeyAndMode > chance.KeyAndMode, $"own {own} vs chance {chance}");
    }

    [Fact]
    public void Ratios_to_chance_are_infinite_only_when_there_is_something_to_compare()
    {
        var chance = new AdherenceRow("chance", 10, 0.2, 10, 0, 10, 0.5, 0.4, 20, 0, 10);
        var row = new AdherenceRow("generated", 10, 0.6, 10, 0.3, 10, 0.9, 0.8, 20, 0, 10);
        var g = row.Over(chance);
        Assert.Equal(3.0, g.Tempo, 9);
        Assert.Equal(2.0, g.Instruments, 9);
        Assert.True(double.IsPositiveInfinity(g.KeyAndMode));
        Assert.True(double.IsNaN(g.Style));
    }

    [Fact]
    public void Classifiers_survive_a_round_trip_and_a_corrupt_file_is_refused()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "c.json");
        e.Classifiers.Save(path, "recipe");
        var (loaded, recipe) = AttributeClassifiers.Load(path);
        Assert.Equal("recipe", recipe);
        Assert.Equal(e.Classifiers.StyleProbabilities(e.Features[1]), loaded.StyleProbabilities(e.Features[1]));
        File.WriteAllText(path, "{\"Content\":\"musiclm.attribute-classifiers\",\"Mean\":[1]}");
        Assert.Throws<InvalidDataException>(() => AttributeClassifiers.Load(path));
        File.WriteAllText(path, "not json");
        Assert.Throws<InvalidDataException>(() => AttributeClassifiers.Load(path));
        Assert.Throws<ArgumentException>(() => e.Classifiers.Style(new float[3]));
    }

    [Fact]
    public void A_judge_that_hears_through_a_codec_is_kept_for_that_codec_and_retrained_for_another()
    {
        using var dir = new TempDir();
        using var a = TinyCodec.Model(1);
        using var b = TinyCodec.Model(2);
        var log = new List<string>();
        var clean = CourseEvaluation.Classifiers(6, log.Add, dir.Path);
        var withA = CourseEvaluation.Classifiers(6, log.Add, dir.Path, codec: a);
        var againA = CourseEvaluation.Classifiers(6, log.Add, dir.Path, codec: a);
        CourseEvaluation.Classifiers(6, log.Add, dir.Path, codec: b);
        Assert.Equal(4, log.Count);
        Assert.StartsWith("trained the evaluation classifiers on 6 clips in", log[0]);
        Assert.StartsWith("trained the evaluation classifiers on 6 clips and their codec resynthesis", log[1]);
        Assert.StartsWith("using the evaluation classifiers", log[2]);
        Assert.StartsWith("trained the evaluation classifiers on 6 clips and their codec resynthesis", log[3]);
        // It learnt from the resynthesised clips too: the clean judge and it answer differently.
        var f = EvaluationFeatures.Of(SyntheticMusic.Generate(CourseEvaluation.PromptSeed, 16000, 6).Audio);
        Assert.NotEqual(clean.StyleProbabilities(f), withA.StyleProbabilities(f));
        Assert.Equal(withA.StyleProbabilities(f), againA.StyleProbabilities(f));
    }
}

public class DistanceTests
{
    private static List<double[]> Gaussian(int n, int d, double shift, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        double N() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(i => scale * N() + shift + 0.1 * i).ToArray()).ToList();
    }

    [Fact]
    public void The_Frechet_distance_is_zero_for_identical_sets_and_matches_its_closed_form()
    {
        var a = Gaussian(50, 6, 0.5, 1);
        Assert.Equal(0, Distances.Frechet(a, a), 6);
        // b = 2a: μ₂ = 2μ₁, Σ₂ = 4Σ₁, so FD = ‖μ₁‖² + tr(Σ₁ + 4Σ₁ − 2·2Σ₁) = ‖μ₁‖² + tr Σ₁, exactly.
        var b = a.Select(v => v.Select(x => 2 * x).ToArray()).ToList();
        var mean = Enumerable.Range(0, 6).Select(i => a.Average(v => v[i])).ToArray();
        var trace = Enumerable.Range(0, 6).Sum(i => a.Sum(v => (v[i] - mean[i]) * (v[i] - mean[i])) / 49);
        Assert.Equal(mean.Sum(m => m * m) + trace, Distances.Frechet(a, b), 6);
    }

    [Fact]
    public void Both_distances_grow_with_a_shift()
    {
        var a = Gaussian(60, 8, 0, 1);
        double[] shifts = [0, 0.5, 1, 2];
        var fd = shifts.Select(s => Distances.Frechet(a, Gaussian(60, 8, s, 2))).ToArray();
        var kid = shifts.Select(s => Distances.Kernel(a, Gaussian(60, 8, s, 2))).ToArray();
        for (var i = 1; i < shifts.Length; i++)
        {
            Assert.True(fd[i] > fd[i - 1], $"FD {string.Join(", ", fd)}");
            Assert.True(kid[i] > kid[i - 1], $"KID {string.Join(", ", kid)}");
        }
    }

    [Fact]
    public void The_corrections_remove_most_of_the_small_sample_bias()
    {
        // Two samples of one distribution: the true distance is 0. Plain FD on 40 clips in 12 dimensions is well above 0.
        var a = Gaussian(40, 12, 0, 3);
        var b = Gaussian(40, 12, 0, 4);
        var fd = Distances.Frechet(a, b);
        var fdInf = Distances.FrechetInfinity(a, b);
        var kid = Distances.Kernel(a, b);
        var shifted = Distances.Kernel(a, Gaussian(40, 12, 1, 4));
        Assert.True(fd > 1, $"FD {fd}");
        Assert.True(fdInf < fd / 2, $"FD∞ {fdInf} vs FD {fd}");
        var fdInfShifted = Distances.FrechetInfinity(a, Gaussian(40, 12, 1, 4));
        Assert.True(fdInfShifted > 12 * 0.5, $"FD∞ of a shift of 1 in 12 dimensions: {fdInfShifted} (true 12)");
        Assert.True(Math.Abs(kid) < shifted / 10, $"KID {kid} vs shifted {shifted}");
    }

    [Fact]
    public void Bad_sets_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Distances.Frechet([new double[2]], [new double[2], new double[2]]));
        Assert.Throws<ArgumentException>(() => Distances.Kernel([new double[2], new double[2]], [new double[3], new double[3]]));
    }
}

public class MemorisationTests
{
    private static long[] Tokens(int seed, int n = 200) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (long)r.Next(64)).ToArray(); }

    [Fact]
    public void A_copied_training_clip_is_flagged_and_new_sequences_are_not()
    {
        var training = Enumerable.Range(0, 20).Select(i => Tokens(i)).ToList();
        var copied = Memorisation.ByTokens([training[7], Tokens(100), Tokens(101)], training);
        Assert.Equal(7, copied.Nearest[0].Index);
        Assert.Equal(1.0, copied.Nearest[0].Similarity, 9);
        Assert.Equal(1, copied.NearerThanAnyTrainingPair);
        var fresh = Memorisation.ByTokens([Tokens(100), Tokens(101)], training);
        Assert.Equal(0, fresh.NearerThanAnyTrainingPair);
        Assert.Equal(20, fresh.TrainingNearest.Count);

        var emb = Enumerable.Range(0, 10).Select(i => Enumerable.Range(0, 5).Select(j => Math.Sin(i * 3 + j * 1.7)).ToArray()).ToList();
        var byEmbedding = Memorisation.ByEmbedding([emb[3]], emb);
        Assert.Equal(3, byEmbedding.Nearest[0].Index);
        Assert.Equal(1, byEmbedding.NearerThanAnyTrainingPair);
    }

    [Fact]
    public void Identical_clips_have_no_diversity_and_different_ones_some()
    {
        var same = Enumerable.Repeat(Tokens(1), 3).ToList();
        Assert.Equal(1.0, Diversity.TokenSimilarity(same), 9);
        Assert.Equal(0.0, Diversity.EmbeddingDistance([[1.0, 2.0], [1.0, 2.0]]), 9);
        Assert.True(Diversity.TokenSimilarity([Tokens(1), Tokens(2), Tokens(3)]) < 0.2);
        Assert.Equal(5.0, Diversity.EmbeddingDistance([[0.0, 0.0], [3.0, 4.0]]), 9);
    }
}
