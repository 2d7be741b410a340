using MusicLM.Evaluation;

namespace MusicLM.Tests.Evaluation;

public class TokenInformationTests
{
    [Fact]
    public void Entropy_and_mutual_information_match_hand_computed_values()
    {
        Assert.Equal(1.0, TokenInformation.Entropy([0, 1, 0, 1]), 12);
        Assert.Equal(2.0, TokenInformation.Entropy([0, 1, 2, 3]), 12);
        Assert.Equal(0.0, TokenInformation.Entropy([5, 5, 5]), 12);
        // x = y's first bit of two independent bits: I = 1 bit, H(x) = 1, H(y) = 2 → NMI = 2/3.
        int[] y = [0, 1, 2, 3], x = [0, 0, 1, 1];
        Assert.Equal(1.0, TokenInformation.MutualInformation(x, y), 12);
        Assert.Equal(2.0 / 3, TokenInformation.Nmi(x, y), 12);
        // Independent: I = 0.
        Assert.Equal(0.0, TokenInformation.MutualInformation([0, 0, 1, 1], [0, 1, 0, 1]), 12);
    }

    [Fact]
    public void Relabelled_tokens_score_one_and_unrelated_tokens_score_near_their_chance()
    {
        var rng = new Random(1);
        var labels = Enumerable.Range(0, 5000).Select(_ => rng.Next(8)).ToArray();
        var renamed = labels.Select(l => (l * 5 + 3) % 8 + 100).ToArray();
        Assert.Equal(1.0, TokenInformation.Nmi(renamed, labels), 9);

        var unrelated = Enumerable.Range(0, 5000).Select(_ => rng.Next(64)).ToArray();
        var score = TokenInformation.Score(unrelated, labels);
        Assert.True(score.Nmi < 0.02, $"NMI {score.Nmi}");
        Assert.True(Math.Abs(score.Nmi - score.ChanceNmi) < 0.01, $"NMI {score.Nmi} vs chance {score.ChanceNmi}");

        var related = TokenInformation.Score(renamed, labels);
        Assert.True(related.NmiAboveChance > 0.9, $"{related}");
        Assert.Equal(3.0, related.LabelEntropyBits, 1);
    }

    [Fact]
    public void Pooling_clips_cuts_each_to_the_shorter_side_and_refuses_other_frame_rates()
    {
        IReadOnlyList<int>[] tokens = [new[] { 1, 2, 1 }, new[] { 2, 1 }];
        IReadOnlyList<int>[] labels = [new[] { 0, 1, 0, 1 }, new[] { 1, 0 }];
        var score = TokenInformation.Score(tokens, labels);
        Assert.Equal(5, score.Frames);
        Assert.Equal(1.0, score.Nmi, 9);
        IReadOnlyList<int>[] doubled = [Enumerable.Repeat(0, 8).ToArray()];
        IReadOnlyList<int>[] single = [Enumerable.Repeat(0, 4).ToArray()];
        Assert.Throws<ArgumentException>(() => TokenInformation.Score(doubled, single));
        Assert.Throws<ArgumentException>(() => TokenInformation.Score([1, 2], [1]));
    }
}
