using MusicLM.Stages;
using static MusicLM.Tests.Stages.Layouts;

namespace MusicLM.Tests.Stages;

public class TokenLayoutTests
{
    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Revert_of_Build_gives_the_window_back(string name)
    {
        var layout = Make(name);
        for (var seed = 0; seed < 4; seed++)
        {
            var clip = RandomClip(seed, semanticFrames: 30 + seed);
            var max = layout.MaxStart(clip);
            foreach (var start in new[] { 0, 1, max / 2, max })
            {
                var sequence = layout.Build(clip, start);
                Assert.Equal(layout.Length, sequence.Tokens.Length);
                var reverted = layout.Revert(sequence.Target);
                var expected = ExpectedWindow(name, clip, start);
                Assert.Equal(expected.Length, reverted.Length);
                for (var r = 0; r < expected.Length; r++) Assert.Equal(expected[r], reverted[r]);
            }
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Build_puts_each_stream_level_and_frame_where_the_layout_says(string name)
    {
        var layout = Make(name);
        var clip = RandomClip(7);
        var start = 3;
        var sequence = layout.Build(clip, start);
        for (var i = 0; i < layout.Length; i++)
        {
            var (range, code, _) = Expected(name, clip, start, i);
            var id = sequence.Tokens[i];
            Assert.Equal(range, layout.Vocabulary.RangeOf(id).Name);
            Assert.Equal(code, layout.Vocabulary.Range(range).Code(id));
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Max_start_is_the_last_window_that_fits(string name)
    {
        var layout = Make(name);
        var clip = RandomClip(1, semanticFrames: 25);
        var expected = name == "fine" ? 25 * R - WindowA : 25 - WindowS;
        Assert.Equal(expected, layout.MaxStart(clip));
        layout.Build(clip, expected);
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Build(clip, expected + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Build(clip, -1));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Target_range_is_the_range_of_the_token_Build_put_there(string name)
    {
        var layout = Make(name);
        var sequence = layout.Build(RandomClip(2), 5);
        Assert.Equal(layout.Length - layout.PrefixLength, layout.TargetLength);
        for (var i = 0; i < layout.TargetLength; i++)
            Assert.Equal(layout.Vocabulary.RangeOf(sequence.Tokens[layout.PrefixLength + i]), layout.TargetRange(i));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.TargetRange(layout.TargetLength));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.TargetRange(-1));
    }

    [Fact]
    public void Target_ranges_are_the_generated_stream_only()
    {
        Assert.All(Enumerable.Range(0, WindowS), i => Assert.Equal("semantic", Make("semantic").TargetRange(i).Name));
        var coarse = Make("coarse");
        Assert.Equal(WindowA * Coarse, coarse.TargetLength);
        Assert.All(Enumerable.Range(0, coarse.TargetLength), i => Assert.Equal($"acoustic {i % Coarse + 1}", coarse.TargetRange(i).Name));
        var fine = Make("fine");
        Assert.Equal(WindowA * Fine, fine.TargetLength);
        Assert.All(Enumerable.Range(0, fine.TargetLength), i => Assert.Equal($"acoustic {Coarse + i % Fine + 1}", fine.TargetRange(i).Name));
    }

    [Fact]
    public void Prefix_equals_the_prefix_Build_makes()
    {
        var clip = RandomClip(3);
        var semantic = (SemanticLayout)Make("semantic");
        Assert.Equal(semantic.Build(clip, 4).Tokens[..semantic.PrefixLength], semantic.Prefix(clip.Conditioning));

        var coarse = (CoarseLayout)Make("coarse");
        var start = 6;
        Assert.Equal(coarse.Build(clip, start).Tokens[..coarse.PrefixLength], coarse.Prefix(clip.Conditioning, clip.Semantic[start..(start + WindowS)]));

        var fine = (FineLayout)Make("fine");
        start = 9;
        var coarseWindow = Enumerable.Range(0, Coarse).Select(l => clip.Acoustic[l][start..(start + WindowA)]).ToArray();
        Assert.Equal(fine.Build(clip, start).Tokens[..fine.PrefixLength], fine.Prefix(clip.Conditioning, coarseWindow));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Positions_are_time_aligned_and_equal_Build_s(string name)
    {
        var layout = Make(name);
        Assert.True(layout.TimeAlignedPositions);
        var clip = RandomClip(4);
        var sequence = layout.Build(clip, 2);
        Assert.Equal(layout.Positions, sequence.Positions);
        Assert.Equal(Enumerable.Range(0, layout.Length).Select(i => Expected(name, clip, 2, i).Position), layout.Positions);
    }

    [Fact]
    public void A_coarse_code_sits_at_distance_zero_from_the_semantic_token_of_its_moment()
    {
        var layout = Make("coarse");
        var p = layout.Positions;
        for (var t = 0; t < WindowS; t++)
            for (var l = 0; l < Coarse; l++)
                Assert.Equal(p[C + t], p[layout.PrefixLength + t * R * Coarse + l]);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Without_time_alignment_positions_are_the_indices(string name)
    {
        var layout = Make(name, timeAligned: false);
        Assert.False(layout.TimeAlignedPositions);
        Assert.Equal(Enumerable.Range(0, layout.Length).Select(i => (long)i), layout.Positions);
        Assert.Equal(layout.Positions, layout.Build(RandomClip(5), 0).Positions);
        Assert.Equal(Make(name).Length, layout.Length);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void With_null_conditioning_replaces_exactly_the_first_C_tokens(string name)
    {
        var layout = Make(name);
        var tokens = layout.Build(RandomClip(6), 1).Tokens;
        var original = (long[])tokens.Clone();
        var dropped = layout.WithNullConditioning(tokens);
        Assert.Equal(C, layout.ConditioningLength);
        Assert.All(dropped[..C], t => Assert.Equal(layout.Vocabulary.Null, t));
        Assert.Equal(tokens[C..], dropped[C..]);
        Assert.Equal(original, tokens);
        Assert.All(tokens[..C], t => Assert.NotEqual(layout.Vocabulary.Null, t));
        // A generation prefix (shorter than a whole sequence) works too.
        Assert.Equal(C + 1, layout.WithNullConditioning(tokens[..(C + 1)]).Length);
        Assert.Throws<ArgumentException>(() => layout.WithNullConditioning(tokens[..(C - 1)]));
    }

    [Fact]
    public void Labels_name_stream_level_frame_and_code()
    {
        var clip = RandomClip(8);
        var layout = Make("coarse");
        var tokens = layout.Build(clip, 0).Tokens;
        Assert.Equal($"c3:{clip.Conditioning[2]}", layout.Label(2, tokens[2]));
        Assert.Equal($"s4:{clip.Semantic[4]}", layout.Label(C + 4, tokens[C + 4]));
        var i = layout.PrefixLength + 5 * Coarse + 1;   // frame 5, level 2
        Assert.Equal($"a2@f5:{clip.Acoustic[1][5]}", layout.Label(i, tokens[i]));
        Assert.Equal("c1:null", layout.Label(0, layout.Vocabulary.Null));
        Assert.Equal(layout.Length, layout.Labels(tokens).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Label(layout.Length, 0));
    }
}
