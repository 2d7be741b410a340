using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Transformers;

namespace MusicLM.Tests.Stages;

/// <summary>The coarse stage's semantic side input (<see cref="StageConfig.SemanticSideInput"/>).</summary>
public class SideInputTests
{
    private static StageModel Coarse(bool side, ulong seed = 5)
    {
        torch.manual_seed(seed);
        return new StageModel(TinyStages.Config(StageKind.Coarse) with { SemanticSideInput = side });
    }

    [Fact]
    public void Cached_greedy_sampling_equals_argmax_of_the_full_sequence_logits()
    {
        using var stage = Coarse(side: true);
        var clip = TinyStages.Random(3);
        var prefix = TinyStages.PrefixOf(stage, clip);
        var cached = stage.Generate(new[] { prefix }, new SamplingConfig { Temperature = 0 })[0];

        stage.eval();
        var layout = stage.Layout;
        var seq = layout.Build(clip, 0).Tokens;                  // the target part is overwritten step by step
        using var _ = torch.no_grad();
        for (var i = 0; i < layout.TargetLength; i++)
        {
            using var logits = stage.TargetLogits(torch.tensor(seq, 1, seq.Length));
            var r = layout.TargetRange(i);
            using var row = logits[0, i].narrow(0, r.Offset, r.Size);
            seq[layout.PrefixLength + i] = r.Offset + (long)row.argmax().item();
        }
        Assert.Equal(seq[layout.PrefixLength..], cached);
    }

    [Fact]
    public void The_side_input_changes_the_logits_and_is_kept_in_the_checkpoint()
    {
        using var with = Coarse(side: true);
        using var without = Coarse(side: false);               // the same weights: the side input adds no parameters
        var seq = with.Layout.Build(TinyStages.Random(4), 0).Tokens;
        with.eval();
        without.eval();
        using var _ = torch.no_grad();
        using var x = torch.tensor(seq, 1, seq.Length);
        using var a = with.TargetLogits(x);
        using var b = without.TargetLogits(x);
        Assert.True(a.masked_fill(a.isinf(), 0).sub(b.masked_fill(b.isinf(), 0)).abs().max().item() > 1e-4);
        using var dir = new TempDir();
        with.Save(dir.File("coarse.safetensors"));
        using var loaded = StageModel.Load(dir.File("coarse.safetensors"), StageKind.Coarse);
        Assert.True(loaded.Config.SemanticSideInput);
        loaded.eval();
        using var c = loaded.TargetLogits(x);
        Assert.True(a.masked_fill(a.isinf(), 0).equal(c.masked_fill(c.isinf(), 0)));
    }

    [Fact]
    public void With_the_side_input_a_coarse_stage_learns_codes_from_semantic_tokens_sooner()
    {
        // The toy's codes are a function of the semantic token of their frame, the lookup the side input provides.
        var train = Enumerable.Range(0, 32).Select(i => TinyStages.Deterministic(i)).ToList();
        var heldOut = Enumerable.Range(1000, 8).Select(i => TinyStages.Deterministic(i)).ToList();
        double After(bool side)
        {
            using var stage = Coarse(side, seed: 7);
            using var trainer = new StageTrainer(stage, new StageTrainerConfig { BatchSize = 8, LearningRate = 3e-3, WarmupSteps = 5, ConditionDropout = 0, EvalEvery = 0 });
            return trainer.Train(train, steps: 40, validation: heldOut).LastHeldOut!.HeldOutLoss;
        }
        var withSide = After(true);
        var withoutSide = After(false);
        Assert.True(withSide < 0.7 * withoutSide, $"held-out loss after 40 steps: {withSide:F3} with the side input, {withoutSide:F3} without");
    }
}
