using MusicLM.Stages;
using static MusicLM.Tests.Stages.Layouts;

namespace MusicLM.Tests.Stages;

public class LayoutBadInputTests
{
    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void A_conditioning_code_out_of_range_names_its_level(string name)
    {
        var clip = RandomClip(0);
        clip.Conditioning[2] = M;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Make(name).Build(clip, 0));
        Assert.Contains("codes out of range", e.Message);
        Assert.Contains("conditioning level 3", e.Message);
        Assert.Contains($"[0, {M})", e.Message);
    }

    [Theory]
    [InlineData("semantic")]
    [InlineData("coarse")]
    public void A_semantic_code_out_of_range_names_its_frame(string name)
    {
        var clip = RandomClip(0);
        clip.Semantic[7] = -1;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Make(name).Build(clip, 0));
        Assert.Contains("semantic frame 7", e.Message);
        Assert.Contains($"[0, {Ks})", e.Message);
    }

    [Theory]
    [InlineData("coarse", 2)]
    [InlineData("fine", 2)]
    [InlineData("fine", 8)]
    public void A_codec_code_out_of_range_names_its_level_and_frame(string name, int level)
    {
        var clip = RandomClip(0);
        clip.Acoustic[level - 1][11] = Ka;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Make(name).Build(clip, 0));
        Assert.Contains($"codec level {level}, frame 11", e.Message);
        Assert.Contains($"[0, {Ka})", e.Message);
    }

    [Fact]
    public void Wrong_numbers_of_levels_are_refused()
    {
        Assert.Contains("wrong number of levels", Assert.Throws<ArgumentException>(() => Make("coarse").Build(RandomClip(0, levels: Coarse - 1), 0)).Message);
        Assert.Contains("wrong number of levels", Assert.Throws<ArgumentException>(() => Make("fine").Build(RandomClip(0, levels: Q - 1), 0)).Message);
        var clip = RandomClip(0);
        var short_ = clip with { Conditioning = clip.Conditioning[..(C - 1)] };
        Assert.Contains("wrong number of levels", Assert.Throws<ArgumentException>(() => Make("semantic").Build(short_, 0)).Message);
        var fine = (FineLayout)Make("fine");
        var twoLevels = clip.Acoustic[..2].Select(row => row[..WindowA]).ToArray();
        Assert.Contains("wrong number of levels", Assert.Throws<ArgumentException>(() => fine.Prefix(clip.Conditioning, twoLevels)).Message);
        Assert.Throws<ArgumentException>(() => ((SemanticLayout)Make("semantic")).Prefix(clip.Conditioning[..5]));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void A_clip_shorter_than_the_window_is_refused(string name)
    {
        var clip = RandomClip(0, semanticFrames: WindowS - 1);
        var layout = Make(name);
        Assert.Contains("shorter than the window", Assert.Throws<ArgumentException>(() => layout.MaxStart(clip)).Message);
        Assert.Throws<ArgumentException>(() => layout.Build(clip, 0));
    }

    [Fact]
    public void The_coarse_layout_refuses_streams_that_are_not_aligned()
    {
        var clip = RandomClip(0);
        var misaligned = clip with { Acoustic = clip.Acoustic.Select(row => row[..^3]).ToArray() };
        Assert.Contains("R × semantic frames", Assert.Throws<ArgumentException>(() => Make("coarse").Build(misaligned, 0)).Message);
        var ragged = clip with { Acoustic = clip.Acoustic.Select((row, l) => l == 1 ? row[..^1] : row).ToArray() };
        Assert.Contains("codec level 2 has", Assert.Throws<ArgumentException>(() => Make("fine").Build(ragged, 0)).Message);
    }

    [Fact]
    public void Prefix_windows_of_the_wrong_length_or_range_are_refused()
    {
        var clip = RandomClip(0);
        var coarse = (CoarseLayout)Make("coarse");
        Assert.Throws<ArgumentException>(() => coarse.Prefix(clip.Conditioning, clip.Semantic[..(WindowS + 1)]));
        var bad = clip.Semantic[..WindowS];
        bad[3] = Ks;
        Assert.Contains("semantic frame 3", Assert.Throws<ArgumentOutOfRangeException>(() => coarse.Prefix(clip.Conditioning, bad)).Message);
        var fine = (FineLayout)Make("fine");
        Assert.Throws<ArgumentException>(() => fine.Prefix(clip.Conditioning, clip.Acoustic[..Coarse].Select(r => r[..(WindowA - 1)]).ToArray()));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Revert_refuses_a_token_outside_its_range(string name)
    {
        var layout = Make(name);
        var target = layout.Build(RandomClip(0), 0).Target.ToArray();
        var wrong = (long[])target.Clone();
        wrong[4] = layout.Vocabulary.Range("cond 1").Id(0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layout.Revert(wrong));
        Assert.Contains("target index 4", e.Message);
        Assert.Contains(layout.TargetRange(4).ToString(), e.Message);
        wrong[4] = layout.Vocabulary.Null;
        Assert.Contains("null", Assert.Throws<ArgumentOutOfRangeException>(() => layout.Revert(wrong)).Message);
        wrong[4] = layout.Vocabulary.Size;
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Revert(wrong));
        Assert.Throws<ArgumentException>(() => layout.Revert(target[1..]));
        layout.Revert(target);
    }

    [Fact]
    public void Frame_ratio_must_be_a_whole_number()
    {
        Assert.Equal(2, CoarseLayout.FrameRatioOf(50, 25));
        Assert.Equal(3, CoarseLayout.FrameRatioOf(75, 25));
        Assert.Throws<ArgumentException>(() => CoarseLayout.FrameRatioOf(50, 30));
        Assert.Throws<ArgumentException>(() => CoarseLayout.FrameRatioOf(25, 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoarseLayout.FrameRatioOf(0, 25));
    }

    [Fact]
    public void Sizes_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SemanticLayout(0, M, Ks, WindowS));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CoarseLayout(C, M, Ks, WindowS, Coarse, Ka, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineLayout(C, M, Coarse, 0, Ka, WindowA));
    }
}
