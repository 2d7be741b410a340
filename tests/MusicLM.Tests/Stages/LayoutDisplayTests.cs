using System.Text.Json.Nodes;
using MusicLM.Interactive;
using MusicLM.Stages;
using static MusicLM.Tests.Stages.Layouts;

namespace MusicLM.Tests.Stages;

public class LayoutDisplayTests
{
    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Describe_covers_the_sequence_in_order_with_the_prefix_first(string name)
    {
        var layout = Make(name);
        var segments = layout.Describe();
        var next = 0;
        foreach (var s in segments)
        {
            Assert.Equal(next, s.First);
            Assert.Equal(s.Last - s.First + 1, s.Tokens);
            Assert.Equal(s.First < layout.PrefixLength ? "prefix" : "target", s.Role);
            Assert.True(s.Last < layout.PrefixLength || s.First >= layout.PrefixLength, $"{s.Segment} straddles the prefix end");
            next = s.Last + 1;
        }
        Assert.Equal(layout.Length, next);
        var expected = name switch
        {
            "semantic" => new[] { "conditioning", "semantic" },
            "coarse" => new[] { "conditioning", "semantic", "coarse" },
            _ => new[] { "conditioning", "coarse", "fine" },
        };
        Assert.Equal(expected, segments.Select(s => s.Segment));
        Assert.Contains(expected[^1], Table.Of(segments).ToHtml());
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(Layouts))]
    public void Draw_gives_each_drawn_index_one_cell_in_its_stream_s_row(string name)
    {
        var layout = Make(name);
        var sequence = layout.Build(RandomClip(0), 0);
        var figure = layout.Draw(sequence, first: 5, count: 300);
        var trace = Assert.Single(figure.Traces.OfType<JsonObject>());
        var z = (JsonArray)trace["z"]!;
        var rows = name == "semantic" ? 2 : name == "coarse" ? 2 + Coarse : 1 + Q;
        Assert.Equal(rows, z.Count);
        var drawn = Math.Min(300, layout.Length - 5);
        for (var c = 0; c < drawn; c++)
            Assert.Single(z, row => ((JsonArray)row!)[c] != null);
        var text = (JsonArray)trace["text"]!;
        Assert.Contains(text.SelectMany(r => (JsonArray)r!), t => t!.GetValue<string>().Contains(layout.Label(layout.PrefixLength, sequence.Tokens[layout.PrefixLength])));
        Assert.NotNull(figure.FallbackPng);
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Draw(first: layout.Length));
    }

    [Fact]
    public void ToString_summarises_prefix_and_target()
    {
        var text = Make("coarse").ToString();
        Assert.Contains("CoarseLayout", text);
        Assert.Contains($"{C} conditioning + {WindowS} semantic | {WindowA * Coarse} coarse", text);
        Assert.Contains($"= {C + WindowS + WindowA * Coarse} tokens", text);
        Assert.Equal($"LayoutSequence: {C + WindowS + WindowA * Coarse} tokens ({C + WindowS} prefix + {WindowA * Coarse} target)", Make("coarse").Build(RandomClip(0), 0).ToString());
    }
}
