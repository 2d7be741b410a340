using MusicLM.Stages;
using static MusicLM.Tests.Stages.Layouts;

namespace MusicLM.Tests.Stages;

public class VocabularyTests
{
    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Ranges_cover_the_vocabulary_without_overlap(string name)
    {
        var v = Make(name).Vocabulary;
        long next = 0;
        foreach (var r in v.Ranges)
        {
            Assert.Equal(next, r.Offset);
            next = r.End;
        }
        Assert.Equal(v.Size, next);
        for (long id = 0; id < v.Size; id++)
            Assert.Single(v.Ranges, r => r.Contains(id));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Null_is_outside_every_code_range(string name)
    {
        var v = Make(name).Vocabulary;
        Assert.Equal("null", v.RangeOf(v.Null).Name);
        Assert.Equal("null", v.NameOf(v.Null));
        Assert.Equal(new[] { "null" }, v.Specials.Select(s => s.Name));
        Assert.All(v.Ranges.Where(r => !v.IsSpecial(r)), r => Assert.False(r.Contains(v.Null), $"{r} holds null"));
    }

    [Fact]
    public void Each_stream_and_level_has_its_own_range_of_its_codebook()
    {
        var coarse = Make("coarse").Vocabulary;
        var expected = Enumerable.Range(1, C).Select(l => ($"cond {l}", (long)M)).Append(("semantic", Ks))
            .Concat(Enumerable.Range(1, Coarse).Select(l => ($"acoustic {l}", (long)Ka))).Append(("null", 1L));
        Assert.Equal(expected, coarse.Ranges.Select(r => (r.Name, r.Size)));
        Assert.Equal(C * M + Ks + Coarse * Ka + 1, coarse.Size);
        // Level 3's code 5 is not level 1's code 5.
        Assert.NotEqual(coarse.Range("cond 1").Id(5), coarse.Range("cond 3").Id(5));
        var fine = Make("fine").Vocabulary;
        Assert.Equal(Enumerable.Range(1, Q).Select(l => $"acoustic {l}"), fine.Ranges.Select(r => r.Name).Where(n => n.StartsWith("acoustic")));
        Assert.Equal($"acoustic 2 · 17", coarse.NameOf(coarse.Range("acoustic 2").Id(17)));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Every_code_of_every_range_round_trips_through_Id_and_Code(string name)
    {
        var v = Make(name).Vocabulary;
        foreach (var r in v.Ranges)
        {
            for (long code = 0; code < r.Size; code++)
            {
                var id = r.Id(code);
                Assert.True(r.Contains(id));
                Assert.Equal(r, v.RangeOf(id));
                Assert.Equal(code, r.Code(id));
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => r.Id(r.Size));
            Assert.Throws<ArgumentOutOfRangeException>(() => r.Id(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => r.Code(r.End));
            Assert.Throws<ArgumentOutOfRangeException>(() => r.Code(r.Offset - 1));
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void The_last_and_the_first_code_of_every_level_revert_to_themselves(string name)
    {
        // audiolm-pytorch's fine head could not emit a level's last code, and its coarse end token was the next
        // level's code 0: here a target of last codes reverts to last codes, and of first codes to zeros.
        var layout = Make(name);
        var last = Enumerable.Range(0, layout.TargetLength).Select(i => layout.TargetRange(i).End - 1).ToArray();
        Assert.All(layout.Revert(last), row => Assert.All(row, c => Assert.Equal(layout.TargetRange(0).Size - 1, c)));
        var first = Enumerable.Range(0, layout.TargetLength).Select(i => layout.TargetRange(i).Offset).ToArray();
        Assert.All(layout.Revert(first), row => Assert.All(row, c => Assert.Equal(0, c)));
        // The next level's code 0 is not a legal end of this level: it is refused, not read as this level's code.
        var shifted = (long[])last.Clone();
        shifted[0] = layout.TargetRange(0).End;
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Revert(shifted));
    }

    [Fact]
    public void Names_and_sizes_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new Vocabulary([("a", 3), ("a", 2)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Vocabulary([("a", 0)]));
        Assert.Throws<ArgumentException>(() => new Vocabulary([("a", 3)]).Range("b"));
        Assert.Throws<InvalidOperationException>(() => new Vocabulary([("a", 3)]).Null);
        var v = new Vocabulary([("a", 3), ("b", 2)], "null", "pad");
        Assert.Equal((3L, 5L, 6L), (v.Range("b").Offset, v.Null, v.Range("pad").Offset));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.RangeOf(v.Size));
        Assert.Contains("outside", v.NameOf(-1));
    }
}
