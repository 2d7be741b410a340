using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;
using MusicLM.Transformers;

namespace MusicLM.Tests.Stages;

public class StageModelTests
{
    [Theory]
    [MemberData(nameof(TinyStages.AllKinds), MemberType = typeof(TinyStages))]
    public void Greedy_cached_sampling_equals_argmax_by_full_recomputation(StageKind kind)
    {
        using var stage = TinyStages.Model(kind);
        var clip = TinyStages.Random(1);
        var prefix = TinyStages.PrefixOf(stage, clip);
        var cached = stage.Generate(new[] { prefix }, new SamplingConfig { Temperature = 0 })[0];

        // Recompute every step from scratch: the whole sequence so far, no cache.
        stage.eval();
        var seq = prefix.ToList();
        using var _ = torch.no_grad();
        for (var i = 0; i < stage.Layout.TargetLength; i++)
        {
            using var x = torch.tensor(seq.ToArray(), 1, seq.Count);
            using var logits = stage.transformer.forward(x, torch.tensor(stage.Layout.Positions[..seq.Count]));
            var r = stage.Layout.TargetRange(i);
            using var last = logits[0, seq.Count - 1].narrow(0, r.Offset, r.Size);
            seq.Add(r.Offset + (long)last.argmax().item());
        }
        Assert.Equal(seq.Skip(prefix.Length).ToArray(), cached);
    }

    [Theory]
    [MemberData(nameof(TinyStages.AllKinds), MemberType = typeof(TinyStages))]
    public void Every_stage_honours_guidance(StageKind kind)
    {
        using var stage = TinyStages.Model(kind, seed: 4);
        var prefixes = Enumerable.Range(0, 6).Select(i => TinyStages.PrefixOf(stage, TinyStages.Random(10 + i))).ToList();
        var sampling = new SamplingConfig { Seed = 7 };
        var conditional = stage.Generate(prefixes, sampling);
        // Scale 1 is the conditional model itself: the same draws.
        Assert.Equal(conditional, stage.Generate(prefixes, sampling with { GuidanceScale = 1.0 }));
        // Scale 0 is the unconditional model: exactly the conditional sampler run on null-conditioned prefixes.
        var unconditional = stage.Generate(prefixes, sampling with { GuidanceScale = 0.0 });
        Assert.Equal(stage.Generate(prefixes.Select(stage.Layout.WithNullConditioning).ToList(), sampling), unconditional);
        // The null really changes the model's input, so guidance is no no-op: the target logits differ (an untrained
        // model barely reads its conditioning, so the samples themselves may coincide), and a scale of 3 changes the samples.
        var seq = stage.Layout.Build(TinyStages.Random(10), 0).Tokens;
        stage.eval();
        using (torch.no_grad())
        using (var a = stage.TargetLogits(torch.tensor(seq, 1, seq.Length)))
        using (var b = stage.TargetLogits(torch.tensor(stage.Layout.WithNullConditioning(seq), 1, seq.Length)))
        using (var fa = a.masked_fill(a.isinf(), 0))
        using (var fb = b.masked_fill(b.isinf(), 0))
            Assert.True(fa.sub(fb).abs().max().item() > 1e-4, "the null conditioning left the logits unchanged");
        Assert.NotEqual(conditional, stage.Generate(prefixes, sampling with { GuidanceScale = 3.0 }));
    }

    [Theory]
    [MemberData(nameof(TinyStages.AllKinds), MemberType = typeof(TinyStages))]
    public void Every_code_of_every_level_can_be_generated(StageKind kind)
    {
        using var stage = TinyStages.Model(kind);
        using (torch.no_grad()) stage.transformer.lm_head.weight!.zero_();     // uniform over each position's legal ids
        var prefix = TinyStages.PrefixOf(stage, TinyStages.Random(2));
        var rows = stage.Generate(Enumerable.Repeat(prefix, 60).ToList(), new SamplingConfig { Seed = 1 });
        var codes = rows.Select(r => stage.Layout.Revert(r)).ToArray();       // 60 × levels × frames
        var levels = codes[0].Length;
        var size = kind == StageKind.Semantic ? TinyStages.Ks : TinyStages.Ka;
        for (var l = 0; l < levels; l++)
        {
            var seen = codes.SelectMany(c => c[l]).Distinct().OrderBy(x => x).ToArray();
            Assert.Equal(Enumerable.Range(0, size).Select(x => (long)x).ToArray(), seen);    // the last code included
        }
        // And the mask the loss uses allows exactly each position's range.
        var mask = stage.LegalMask.ToArray<float>();
        var V = stage.Layout.Vocabulary.Size;
        for (var i = 0; i < stage.Layout.TargetLength; i++)
        {
            var r = stage.Layout.TargetRange(i);
            for (var v = 0L; v < V; v++) Assert.Equal(r.Contains(v), mask[i * V + v] == 0f);
        }
    }

    [Theory]
    [MemberData(nameof(TinyStages.AllKinds), MemberType = typeof(TinyStages))]
    public void Save_then_Load_gives_identical_logits_and_refuses_another_stage(StageKind kind)
    {
        using var dir = new TempDir();
        using var stage = TinyStages.Model(kind, seed: 3);
        var path = dir.File($"{kind}.safetensors");
        stage.Save(path);
        using var loaded = StageModel.Load(path, kind);
        var seq = stage.Layout.Build(TinyStages.Random(5), 0).Tokens;
        using var x = torch.tensor(seq, 1, seq.Length);
        stage.eval();
        loaded.eval();
        using var _ = torch.no_grad();
        using var a = stage.TargetLogits(x);
        using var b = loaded.TargetLogits(x);
        Assert.True(a.isfinite().logical_or(b.isinf()).all().item() > 0);
        Assert.True(a.masked_fill(a.isinf(), 0).sub(b.masked_fill(b.isinf(), 0)).abs().max().item() == 0);
        var other = TinyStages.Kinds.First(k => k != kind);
        var e = Assert.Throws<CheckpointFormatException>(() => StageModel.Load(path, other));
        Assert.Contains($"holds the {kind.ToString().ToLowerInvariant()} stage", e.Message);
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        using var stage = TinyStages.Model(StageKind.Coarse);
        var prefix = TinyStages.PrefixOf(stage, TinyStages.Random(1));
        Assert.Throws<ArgumentException>(() => stage.Generate(Array.Empty<long[]>()));
        Assert.Throws<ArgumentException>(() => stage.Generate(new[] { prefix[..^1] }));
        var bad = (long[])prefix.Clone();
        bad[3] = stage.Layout.Vocabulary.Size;
        Assert.Throws<ArgumentOutOfRangeException>(() => stage.Generate(new[] { bad }));
        Assert.Throws<ArgumentOutOfRangeException>(() => stage.Generate(new[] { prefix }, targetStarts: new[] { new long[] { 0 } }));   // semantic id where a code belongs
        Assert.Throws<ArgumentException>(() => stage.Generate(new[] { prefix }, new SamplingConfig { TopP = 2 }));
        Assert.Throws<ArgumentException>(() => stage.TargetLogits(torch.zeros(new[] { 1L, 5 }, ScalarType.Int64)));
        // A clip with a code out of range, or the wrong number of levels, is refused before training.
        using var trainer = new StageTrainer(stage);
        var clip = TinyStages.Random(2);
        var outOfRange = clip with { Acoustic = clip.Acoustic.Select(l => l.Select(c => c + TinyStages.Ka).ToArray()).ToArray() };
        Assert.ThrowsAny<ArgumentException>(() => trainer.Train(new[] { outOfRange }, steps: 1));
        var noLevels = clip with { Acoustic = Array.Empty<long[]>() };
        Assert.ThrowsAny<ArgumentException>(() => trainer.Train(new[] { noLevels }, steps: 1));
        Assert.Throws<ArgumentException>(() => new StageModel(TinyStages.Config(StageKind.Fine) with { CoarseLevels = 3 }));
    }
}
