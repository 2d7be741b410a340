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
    public void The_side_table_starts_at_zero_changes_the_logits_once_trained_and_is_kept_in_the_checkpoint()
    {
        using var stage = Coarse(side: true);
        Assert.NotNull(stage.transformer.wse);
        Assert.Equal(stage.transformer.Config.ParameterCount, stage.transformer.parameters().Sum(p => p.numel()));
        var seq = stage.Layout.Build(TinyStages.Random(4), 0).Tokens;
        stage.eval();
        using var _ = torch.no_grad();
        using var x = torch.tensor(seq, 1, seq.Length);
        static Tensor Finite(Tensor t) => t.masked_fill(t.isinf(), 0);
        using var atZero = stage.TargetLogits(x);                 // a zero table adds nothing: the stage starts as one without it
        stage.transformer.wse!.weight!.normal_(0, 0.5);
        using var moved = stage.TargetLogits(x);
        Assert.True(Finite(moved).sub(Finite(atZero)).abs().max().item() > 1e-4);
        using var dir = new TempDir();
        stage.Save(dir.File("coarse.safetensors"));
        using var loaded = StageModel.Load(dir.File("coarse.safetensors"), StageKind.Coarse);
        Assert.True(loaded.Config.SemanticSideInput);
        loaded.eval();
        using var c = loaded.TargetLogits(x);
        Assert.True(Finite(moved).equal(Finite(c)));
    }

    [Fact]
    public void A_model_without_a_side_table_refuses_side_ids()
    {
        using var model = new TokenTransformer(TransformerConfig.Tiny(16, 8));
        using var tokens = torch.zeros(new long[] { 1, 4 }, ScalarType.Int64);
        using var positions = torch.arange(4);
        var e = Assert.Throws<ArgumentException>(() => model.forward(tokens, positions, side: tokens));
        Assert.Contains("side", e.Message);
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
