namespace MusicLM.Interactive.Tests;

public class TableTests
{
    private sealed record Clip(string Name, double Seconds, int Tokens);

    [Fact]
    public void Record_properties_become_columns_in_declaration_order()
    {
        var t = Table.Of(new[] { new Clip("a", 1.5, 75), new Clip("b", 2.25, 113) });
        Assert.Equal(new[] { "Name", "Seconds", "Tokens" }, t.Columns);
        var html = (string)t.ToMimeBundle()["text/html"];
        Assert.Contains("<th>Name</th><th>Seconds</th><th>Tokens</th>", html);
        Assert.Contains("<td>b</td><td>2.25</td><td>113</td>", html);
        Assert.Equal("Name  Seconds  Tokens\na     1.5      75    \nb     2.25     113   ", (string)t.ToMimeBundle()["text/plain"]);
    }

    [Fact]
    public void Cell_text_is_html_escaped()
    {
        var html = Table.Of(new[] { new Clip("<script>alert('x')</script> & co", 1, 1) }).ToHtml();
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co", html);
    }

    [Fact]
    public void Long_tables_show_the_first_rows_and_count_the_rest()
    {
        var t = Table.Of(Enumerable.Range(0, 140).Select(i => new Clip($"clip{i}", i, i)), maxRows: 20);
        var html = t.ToHtml();
        Assert.Equal(20, html.Split("<tr>").Length - 2); // header row + 20 body rows
        Assert.Contains("clip19", html);
        Assert.DoesNotContain("clip20<", html);
        Assert.Contains("… 120 more rows", html);
        Assert.EndsWith("… 120 more rows", t.ToString());
    }

    [Fact]
    public void Dictionaries_give_the_union_of_their_keys_as_columns()
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>
        {
            new Dictionary<string, object?> { ["prompt"] = "jazz", ["score"] = 0.5 },
            new Dictionary<string, object?> { ["prompt"] = "rock", ["seed"] = 7 },
        };
        var t = Table.Of(rows);
        Assert.Equal(new[] { "prompt", "score", "seed" }, t.Columns);
        Assert.Contains("<td>rock</td><td></td><td>7</td>", t.ToHtml());
    }

    [Fact]
    public void Audio_cells_embed_a_player()
    {
        var rows = new[] { new { Prompt = "calm piano", Clip = Audio.Play(new[] { 0.1f }, 8000) } };
        var html = Table.Of(rows).ToHtml();
        Assert.Contains("<audio controls", html);
        Assert.Contains("<td>calm piano</td>", html);
    }

    [Fact]
    public void Plain_values_make_one_value_column()
    {
        var t = Table.Of(new[] { 1.0, 0.5 });
        Assert.Equal(new[] { "value" }, t.Columns);
        Assert.Equal(2, t.Rows.Count);
    }
}
