using MusicLM.Kernel.Completion;

namespace MusicLM.Kernel.Tests;

/// <summary>The completion's pieces without a kernel: code point offsets and the ranking of matches.</summary>
public sealed class CompletionUnitTests
{
    [Theory]
    [InlineData("abc", 2, 2)]
    [InlineData("😀x", 1, 2)]        // one emoji: two UTF-16 units
    [InlineData("a😀😀b", 3, 5)]
    [InlineData("a😀😀b", 4, 6)]
    [InlineData("ab", 10, 2)]        // past the end: clamped
    public void Code_points_map_to_utf16_offsets_and_back(string text, int codePoint, int utf16)
    {
        Assert.Equal(utf16, CodePoints.ToUtf16(text, codePoint));
        Assert.Equal(Math.Min(codePoint, text.EnumerateRunes().Count()), CodePoints.FromUtf16(text, utf16));
    }

    [Fact]
    public void A_lone_surrogate_counts_as_one_code_point()
    {
        var text = "a\ud83db"; // a high surrogate without its low half
        Assert.Equal(3, CodePoints.ToUtf16(text, 3));
        Assert.Equal(3, CodePoints.FromUtf16(text, 3));
    }

    [Theory]
    [InlineData("StringBuilder", "Str", 0)]
    [InlineData("StringBuilder", "str", 1)]
    [InlineData("StringBuilder", "SB", 2)]
    [InlineData("StringBuilder", "StrB", 2)]
    [InlineData("WriteLine", "wl", 2)]
    [InlineData("StringBuilder", "Bui", -1)]   // humps start with the first one
    [InlineData("StringBuilder", "SBx", -1)]
    [InlineData("Where", "", 0)]
    public void Ranks_prefer_exact_prefixes_then_any_case_then_camel_humps(string candidate, string typed, int rank) =>
        Assert.Equal(rank, MatchRanking.RankOf(candidate, typed));

    [Fact]
    public void Ranking_filters_and_keeps_the_completers_order_within_a_rank()
    {
        // The completer's own order (its sort text), deliberately not alphabetical.
        var sortText = new Dictionary<string, string> { ["StringComparer"] = "1", ["StringBuilder"] = "2", ["SByte"] = "3", ["string"] = "0", ["Console"] = "0" };
        var ranked = MatchRanking.Rank(sortText.Keys, c => c, c => sortText[c], "S");
        // Case-exact prefixes in the completer's order, then the prefix in another case; Console left out.
        Assert.Equal(["StringComparer", "StringBuilder", "SByte", "string"], ranked);
    }
}
