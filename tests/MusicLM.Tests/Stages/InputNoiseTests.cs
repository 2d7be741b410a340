using MusicLM.Stages;
using MusicLM.Torch;

namespace MusicLM.Tests.Stages;

/// <summary><see cref="StageTrainerConfig.InputNoise"/>: noised inputs, unchanged targets.</summary>
public class InputNoiseTests
{
    [Theory]
    [MemberData(nameof(TinyStages.AllKinds), MemberType = typeof(TinyStages))]
    public void Noise_replaces_about_the_fraction_of_target_inputs_with_legal_tokens_and_nothing_else(StageKind kind)
    {
        var layout = TinyStages.Config(kind, window: 12).Layout();
        var rng = new Random(3);
        int changed = 0, inputs = 0;
        double expected = 0;                                   // a replacement draws the same token with chance 1 / range size
        for (var n = 0; n < 200; n++)
        {
            var clean = layout.Build(TinyStages.Random(n), 0).Tokens;
            var noisy = StageTrainer.WithInputNoise(layout, clean, 0.3, rng);
            Assert.Equal(clean[..layout.PrefixLength], noisy[..layout.PrefixLength]);
            Assert.Equal(clean[^1], noisy[^1]);
            for (var i = 0; i < layout.TargetLength - 1; i++)
            {
                var id = noisy[layout.PrefixLength + i];
                Assert.True(layout.TargetRange(i).Contains(id), $"target input {i} = {id} is outside its range {layout.TargetRange(i)}");
                inputs++;
                expected += 0.3 * (1 - 1.0 / layout.TargetRange(i).Size);
                if (id != clean[layout.PrefixLength + i]) changed++;
            }
        }
        var fraction = (double)changed / inputs;
        Assert.InRange(fraction, expected / inputs - 0.03, expected / inputs + 0.03);
    }

    [Fact]
    public void Bad_fractions_and_lengths_are_refused()
    {
        var layout = TinyStages.Config(StageKind.Coarse).Layout();
        var seq = layout.Build(TinyStages.Random(1), 0).Tokens;
        Assert.Throws<ArgumentOutOfRangeException>(() => StageTrainer.WithInputNoise(layout, seq, 1.0, new Random(0)));
        Assert.Throws<ArgumentException>(() => StageTrainer.WithInputNoise(layout, seq[..^1], 0.1, new Random(0)));
        Assert.Throws<ArgumentException>(() => new StageTrainer(TinyStages.Model(StageKind.Coarse), new StageTrainerConfig { InputNoise = -0.1 }));
    }

    [Fact]
    public void A_stage_trained_with_noise_on_codes_that_follow_its_semantic_tokens_still_learns_them()
    {
        // The toy's codes follow from the semantic token of their frame, so noised code inputs hide nothing the
        // targets need: the held-out loss (clean inputs) must still fall far below the untrained model's.
        var train = Enumerable.Range(0, 32).Select(i => TinyStages.Deterministic(i)).ToList();
        var heldOut = Enumerable.Range(1000, 8).Select(i => TinyStages.Deterministic(i)).ToList();
        using var stage = TinyStages.Model(StageKind.Coarse, seed: 7);
        using var trainer = new StageTrainer(stage, new StageTrainerConfig { BatchSize = 8, LearningRate = 3e-3, WarmupSteps = 5, ConditionDropout = 0, EvalEvery = 0, InputNoise = 0.3 });
        var before = trainer.HeldOut(heldOut).Loss;
        var after = trainer.Train(train, steps: 60, validation: heldOut).LastHeldOut!.HeldOutLoss;
        Assert.True(after < 0.3 * before, $"held-out loss {before:F3} before, {after:F3} after 60 noised steps");
    }
}
