using MusicLM.Evaluation;

namespace MusicLM.Tests.Evaluation;

public class NgramProfileTests
{
    [Fact]
    public void Counts_every_run_of_n_tokens()
    {
        var p = NgramProfile.Of([1, 2, 1, 2, 3], n: 2);
        Assert.Equal(4, p.Total);      // 12, 21, 12, 23
        Assert.Equal(3, p.Distinct);
        Assert.Equal(0, NgramProfile.Of([1], n: 2).Total);
        // "1,12" and "11,2" must not merge: the tokens are separated.
        Assert.Equal(0, NgramProfile.Of([1, 12], 2).Similarity(NgramProfile.Of([11, 2], 2)));
    }

    [Fact]
    public void Similarity_is_one_for_the_same_patterns_and_zero_for_none_shared()
    {
        var a = NgramProfile.Of([1, 2, 3, 1, 2, 3], 2);
        var shifted = NgramProfile.Of([2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1], 2);  // same cycle, other phase, twice as long
        Assert.Equal(1.0, a.Similarity(NgramProfile.Of([1, 2, 3, 1, 2, 3], 2)), 12);
        Assert.True(a.Similarity(shifted) > 0.9, $"{a.Similarity(shifted)}");   // only the ends differ
        Assert.Equal(0.0, a.Similarity(NgramProfile.Of([7, 8, 9, 7], 2)));
        // Cosine of (2, 2, 1) and (1, 1, 1) over 12, 23, 31 (hand-computed: 5 / (3 · √3)).
        Assert.Equal(5 / (3 * Math.Sqrt(3)), a.Similarity(NgramProfile.Of([1, 2, 3, 1], 2)), 12);
        Assert.Throws<ArgumentException>(() => a.Similarity(NgramProfile.Of([1, 2, 3], 3)));
    }

    [Fact]
    public void Nearest_ranks_candidates_by_similarity()
    {
        var query = NgramProfile.Of([1, 2, 3, 4, 1, 2, 3, 4], 2);
        var candidates = new[]
        {
            NgramProfile.Of([9, 9, 9, 9], 2),
            NgramProfile.Of([1, 2, 3, 4, 1, 2], 2),
            NgramProfile.Of([1, 2, 9, 9, 9, 9], 2),
        };
        var nearest = NgramProfile.Nearest(query, candidates, 2);
        Assert.Equal([1, 2], nearest.Select(n => n.Index));
        Assert.True(nearest[0].Similarity > nearest[1].Similarity);
    }
}
