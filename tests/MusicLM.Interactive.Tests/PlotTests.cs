using System.Text.Json.Nodes;
using MusicLM.Torch;

namespace MusicLM.Interactive.Tests;

public class PlotTests
{
    private static double D(JsonNode? n) => n!.GetValue<double>();

    [Fact]
    public void Line_is_a_scatter_trace_in_lines_mode_with_axis_titles()
    {
        var fig = JsonOf.Figure(Plot.Line(new[] { 3.0, 2.0, 1.5 }, "loss", "step", "cross-entropy", name: "train"));
        var trace = fig["data"]![0]!;
        Assert.Equal("scatter", trace["type"]!.GetValue<string>());
        Assert.Equal("lines", trace["mode"]!.GetValue<string>());
        Assert.Equal("train", trace["name"]!.GetValue<string>());
        Assert.Equal(new[] { 0.0, 1, 2 }, trace["x"]!.AsArray().Select(D));
        Assert.Equal(new[] { 3.0, 2, 1.5 }, trace["y"]!.AsArray().Select(D));
        Assert.Equal("loss", fig["layout"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("step", fig["layout"]!["xaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("cross-entropy", fig["layout"]!["yaxis"]!["title"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Scatter_and_bar_have_their_trace_types()
    {
        var s = JsonOf.Figure(Plot.Scatter(new[] { 1.0, 2 }, new[] { 3.0, 4 }, labels: new[] { "a", "b" }))["data"]![0]!;
        Assert.Equal(("scatter", "markers"), (s["type"]!.GetValue<string>(), s["mode"]!.GetValue<string>()));
        Assert.Equal("b", s["text"]![1]!.GetValue<string>());
        var b = JsonOf.Figure(Plot.Bar(new[] { "Q=1", "Q=8" }, new[] { 0.5, 0.9 }))["data"]![0]!;
        Assert.Equal("bar", b["type"]!.GetValue<string>());
        Assert.Equal("Q=8", b["x"]![1]!.GetValue<string>());
    }

    [Fact]
    public void Heatmap_z_has_rows_by_columns_and_comes_with_a_png_in_the_bundle_and_the_html()
    {
        var z = new float[3, 5];
        z[2, 4] = float.NaN;
        var bundle = Plot.Heatmap(z, "h").ToMimeBundle();
        var json = (JsonObject)bundle["application/vnd.plotly.v1+json"];
        var zj = json["data"]![0]!["z"]!.AsArray();
        Assert.Equal("heatmap", json["data"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(3, zj.Count);
        Assert.All(zj, row => Assert.Equal(5, row!.AsArray().Count));
        Assert.Null(zj[2]![4]); // NaN is not JSON: null (a gap in plotly)
        var png = Convert.FromBase64String((string)bundle["image/png"]);
        Assert.Equal(new byte[] { 137, 80, 78, 71 }, png[..4]);
        Assert.Contains("<img", (string)bundle["text/html"]);
        Assert.Contains((string)bundle["image/png"], (string)bundle["text/html"]);
        Assert.Equal("Figure 'h': heatmap 3×5", (string)bundle["text/plain"]);
    }

    [Fact]
    public void Spectrogram_axes_are_seconds_and_hertz_or_mel_bins()
    {
        var spec = new float[5, 4]; // 5 bins: n_fft = 8
        var t = JsonOf.Figure(Plot.Spectrogram(spec, 16000, 160));
        var trace = t["data"]![0]!;
        Assert.Equal(new[] { 0, 0.01, 0.02, 0.03 }, trace["x"]!.AsArray().Select(D));
        Assert.Equal(new[] { 0.0, 2000, 4000, 6000, 8000 }, trace["y"]!.AsArray().Select(D));
        Assert.Equal("frequency (Hz)", t["layout"]!["yaxis"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("time (s)", t["layout"]!["xaxis"]!["title"]!["text"]!.GetValue<string>());
        var m = JsonOf.Figure(Plot.Spectrogram(spec, 16000, 160, mel: true));
        Assert.Equal(new[] { 0.0, 1, 2, 3, 4 }, m["data"]![0]!["y"]!.AsArray().Select(D));
        Assert.Equal("mel bin", m["layout"]!["yaxis"]!["title"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Spectrogram_in_decibels_and_from_a_1_F_T_tensor()
    {
        using var power = torch.from_array(new float[] { 1f, 100f, 0.01f, 0f }, 1, 2, 2);
        var z = JsonOf.Figure(Plot.Spectrogram(power, 8000, 80, toDecibels: true))["data"]![0]!["z"]!;
        Assert.Equal(new[] { 0.0, 20 }, z[0]!.AsArray().Select(D));
        Assert.Equal(new[] { -20.0, -100 }, z[1]!.AsArray().Select(D));
    }

    [Fact]
    public void Spectrogram_colour_range_can_be_fixed_so_several_compare()
    {
        using var power = torch.from_array(new float[] { 1f, 100f, 0.01f, 0f }, 1, 2, 2);
        var trace = JsonOf.Figure(Plot.Spectrogram(power, 8000, 80, toDecibels: true, colorMin: -60, colorMax: 10))["data"]![0]!;
        Assert.Equal(-60.0, D(trace["zmin"]!));
        Assert.Equal(10.0, D(trace["zmax"]!));
        Assert.Equal(new[] { 0.0, 20 }, trace["z"]![0]!.AsArray().Select(D));     // the data themselves are not clipped
        Assert.Null(JsonOf.Figure(Plot.Spectrogram(power, 8000, 80))["data"]![0]!["zmin"]);
        Assert.Throws<ArgumentException>(() => Plot.Spectrogram(power, 8000, 80, colorMin: 5, colorMax: 5));
    }

    [Fact]
    public void Token_grid_shares_the_time_axis_with_the_spectrogram_above_it()
    {
        var tokens = new long[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 8 } }; // 2 levels × 4 steps at 50 Hz
        var fig = JsonOf.Figure(Plot.TokenGrid(tokens, 50, spectrogram: new float[3, 8], sampleRate: 16000, hopLength: 40));
        var data = fig["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.Equal(new[] { 0.01, 0.03, 0.05, 0.07 }, data[0]!["x"]!.AsArray().Select(D));
        Assert.Equal(new[] { 5.0, 6, 7, 8 }, data[0]!["z"]![1]!.AsArray().Select(D));
        Assert.Null(data[0]!["xaxis"]);
        Assert.Null(data[1]!["xaxis"]);           // both on the one x axis
        Assert.Equal("y2", data[1]!["yaxis"]!.GetValue<string>());
        Assert.Equal(0.0025, D(data[1]!["x"]![1]));  // 40 / 16000 s per frame
        var layout = fig["layout"]!;
        Assert.True(D(layout["yaxis2"]!["domain"]![0]) > D(layout["yaxis"]!["domain"]![1])); // spectrogram above
        Assert.Equal("codebook level", layout["yaxis"]!["title"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Token_grid_from_an_integer_tensor()
    {
        using var codes = torch.arange(6).reshape(2, 3);
        var z = JsonOf.Figure(Plot.TokenGrid(codes, 75))["data"]![0]!["z"]!;
        Assert.Equal(new[] { 3.0, 4, 5 }, z[1]!.AsArray().Select(D));
    }

    [Fact]
    public void Attention_picks_one_head_with_token_labels_on_the_axes()
    {
        // (L=2, H=2, T=2, S=3): value = 100·l + 10·h + t·3 + s, so each head is recognisable.
        var w = new float[2 * 2 * 2 * 3];
        for (int l = 0, i = 0; l < 2; l++) for (var h = 0; h < 2; h++) for (var t = 0; t < 2; t++) for (var s = 0; s < 3; s++) w[i++] = 100 * l + 10 * h + t * 3 + s;
        using var weights = torch.from_array(w, 2, 2, 2, 3);
        var fig = JsonOf.Figure(Plot.Attention(weights, layer: 1, head: 0, queryLabels: new[] { "a", "a" }, keyLabels: new[] { "x", "y", "z" }));
        var data = fig["data"]!.AsArray();
        Assert.Single(data);
        Assert.Equal(new[] { 103.0, 104, 105 }, data[0]!["z"]![1]!.AsArray().Select(D));
        Assert.Equal(new[] { "a", "a" }, fig["layout"]!["yaxis"]!["ticktext"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("z", fig["layout"]!["xaxis"]!["ticktext"]![2]!.GetValue<string>());
        Assert.Equal("reversed", fig["layout"]!["yaxis"]!["autorange"]!.GetValue<string>());
        Assert.Equal("layer 1, head 0", fig["layout"]!["title"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Attention_dropdown_has_one_button_per_layer_and_head_and_shows_the_chosen_one()
    {
        using var weights = torch.zeros(2, 3, 4, 4);
        var fig = JsonOf.Figure(Plot.Attention(weights, layer: 1, head: 2, dropdown: true));
        var data = fig["data"]!.AsArray();
        Assert.Equal(6, data.Count);
        Assert.Equal(new[] { false, false, false, false, false, true }, data.Select(t => t!["visible"]!.GetValue<bool>()));
        var buttons = fig["layout"]!["updatemenus"]![0]!["buttons"]!.AsArray();
        Assert.Equal(6, buttons.Count);
        Assert.Equal("layer 0, head 1", buttons[1]!["label"]!.GetValue<string>());
        Assert.Equal(new[] { false, true, false, false, false, false }, buttons[1]!["args"]![0]!["visible"]!.AsArray().Select(v => v!.GetValue<bool>()));
        Assert.Throws<ArgumentException>(() => Plot.Attention(weights, layer: 2));
        Assert.Throws<ArgumentException>(() => Plot.Attention(weights, head: 3));
    }

    [Fact]
    public void Long_waveform_is_drawn_as_a_min_max_envelope_that_keeps_the_peaks()
    {
        var x = new float[100_000];
        x[12_345] = 0.9f;
        x[54_321] = -0.7f;
        var fig = JsonOf.Figure(Plot.Waveform(x, 16000, maxPoints: 1000));
        var data = fig["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        var hi = data[0]!["y"]!.AsArray().Select(D).ToArray();
        var lo = data[1]!["y"]!.AsArray().Select(D).ToArray();
        Assert.True(hi.Length + lo.Length <= 1000);
        Assert.Equal(0.9, hi.Max(), 5);
        Assert.Equal(-0.7, lo.Min(), 5);
        Assert.Equal("tonexty", data[1]!["fill"]!.GetValue<string>());
        Assert.InRange(data[0]!["x"]!.AsArray().Select(D).Last(), 6.2, 6.25); // 100000 / 16000 = 6.25 s
    }

    [Fact]
    public void Short_waveform_keeps_every_sample_against_seconds()
    {
        var fig = JsonOf.Figure(Plot.Waveform(new[] { 0f, 0.5f, -0.5f, 0.25f }, 4));
        var t = fig["data"]![0]!;
        Assert.Equal(new[] { 0, 0.25, 0.5, 0.75 }, t["x"]!.AsArray().Select(D));
        Assert.Equal(new[] { 0, 0.5, -0.5, 0.25 }, t["y"]!.AsArray().Select(D));
    }

    [Fact]
    public void Figure_bundle_has_plotly_json_html_and_text()
    {
        var bundle = Plot.Line(new[] { 1.0, 2.0 }, "t").ToMimeBundle();
        Assert.IsAssignableFrom<JsonObject>(bundle["application/vnd.plotly.v1+json"]);
        Assert.Contains("Plotly.newPlot", (string)bundle["text/html"]);
        Assert.Equal("Figure 't': scatter (2 points)", (string)bundle["text/plain"]);
        Assert.False(bundle.ContainsKey("image/png"));
    }
}
