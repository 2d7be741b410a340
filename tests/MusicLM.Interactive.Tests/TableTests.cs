namespace MusicLM.Interactive.Tests;

public class TableTests
{
    [Theory]
    [InlineData("SiSnrDb", "SI-SNR (dB)")]
    [InlineData("EstimatedTempo", "Estimated tempo")]
    [InlineData("SmallerThan16BitPcm", "Smaller than 16-bit PCM")]
    [InlineData("MelDistance", "Mel distance")]
    [InlineData("DurationS", "Duration (s)")]
    [InlineData("SampleRateHz", "Sample rate (Hz)")]
    [InlineData("Kbps", "kbps")]
    [InlineData("Q", "Q")]
    [InlineData("RVQLevels", "RVQ levels")]
    [InlineData("prompt", "Prompt")]
    [InlineData("codebook_size", "Codebook size")]
    public void Property_names_read_as_words_with_units(string name, string header) =>
        Assert.Equal(header, Table.Humanize(name));

    private sealed record Score(
        [property: System.ComponentModel.DisplayName("coder (bits)")] string Coder,
        [property: System.ComponentModel.Description("scale-invariant signal-to-noise ratio")] double SiSnrDb,
        string Key,
        string Caption);

    [Fact]
    public void Text_aligns_left_numbers_right_and_short_values_never_wrap()
    {
        var caption = "a slow waltz on a warm electric piano with brushed drums and a walking bass";
        var t = Table.Of(new[] { new Score("RVQ", -1.5, "F# minor", caption), new Score("μ-law", 3, "C major", caption) });
        Assert.Equal(new[] { "coder (bits)", "SI-SNR (dB)", "Key", "Caption" }, t.Columns);   // DisplayName wins; the rest humanised
        var html = t.ToHtml();
        Assert.Contains("<th style=\"text-align:left\">coder (bits)</th><th style=\"text-align:right\" title=\"scale-invariant signal-to-noise ratio\">SI-SNR (dB)</th>", html);
        Assert.Contains("<td style=\"text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap\">-1.5</td>", html);
        Assert.Contains("<td style=\"text-align:left;white-space:nowrap\">F# minor</td>", html);
        Assert.Contains($"<td style=\"text-align:left\">{caption}</td>", html);                // long text may wrap
        Assert.Contains("table-layout:auto", html);
    }

    private sealed record Clip(string Name, double Seconds, int Tokens);

    [Fact]
    public void Record_properties_become_columns_in_declaration_order()
    {
        var t = Table.Of(new[] { new Clip("a", 1.5, 75), new Clip("b", 2.25, 113) });
        Assert.Equal(new[] { "Name", "Seconds", "Tokens" }, t.Columns);
        var html = (string)t.ToMimeBundle()["text/html"];
        Assert.Contains("<th style=\"text-align:left\">Name</th><th style=\"text-align:right\">Seconds</th><th style=\"text-align:right\">Tokens</th>", html);
        Assert.Contains(">b</td>", html);
        Assert.Contains(">2.25</td>", html);
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
        Assert.Contains(">rock</td><td style=\"text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap\"></td><td style=\"text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap\">7</td>", t.ToHtml());
    }

    [Fact]
    public void Audio_cells_embed_a_player()
    {
        var rows = new[] { new { Prompt = "calm piano", Clip = Audio.Play(new[] { 0.1f }, 8000) } };
        var html = Table.Of(rows).ToHtml();
        Assert.Contains("<audio controls", html);
        Assert.Contains(">calm piano</td>", html);
    }

    [Fact]
    public void Plain_values_make_one_value_column()
    {
        var t = Table.Of(new[] { 1.0, 0.5 });
        Assert.Equal(new[] { "value" }, t.Columns);
        Assert.Equal(2, t.Rows.Count);
    }
}
