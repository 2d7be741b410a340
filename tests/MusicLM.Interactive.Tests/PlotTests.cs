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
    public void Histograms_overlay_and_keep_their_values()
    {
        var fig = JsonOf.Figure(new Figure("nearest").AddHistogram(new[] { 0.1, 0.2, 0.2 }, "training", bins: 10).AddHistogram(new[] { 0.3 }, "generated"));
        var h = fig["data"]![0]!;
        Assert.Equal("histogram", h["type"]!.GetValue<string>());
        Assert.Equal(new[] { 0.1, 0.2, 0.2 }, h["x"]!.AsArray().Select(D));
        Assert.Equal(10, h["nbinsx"]!.GetValue<int>());
        Assert.Equal("generated", fig["data"]![1]!["name"]!.GetValue<string>());
        Assert.Equal("overlay", fig["layout"]!["barmode"]!.GetValue<string>());
        Assert.Contains("histogram 'training' (3 values)", new Figure().AddHistogram(new[] { 0.1, 0.2, 0.2 }, "training").ToString());
        Assert.Throws<ArgumentException>(() => new Figure().AddHistogram(Array.Empty<double>()));
        Assert.Throws<ArgumentException>(() => new Figure().AddHistogram(new[] { 1.0 }, bins: 0));
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
    public void Heatmap_z_has_rows_by_columns_and_comes_with_one_png_inside_the_html()
    {
        var z = new float[3, 5];
        z[2, 4] = float.NaN;
        var bundle = Plot.Heatmap(z, "h").ToMimeBundle();
        var json = JsonOf.InHtml((string)bundle["text/html"]);
        var zj = json["data"]![0]!["z"]!.AsArray();
        Assert.Equal("heatmap", json["data"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(3, zj.Count);
        Assert.All(zj, row => Assert.Equal(5, row!.AsArray().Count));
        Assert.Null(zj[2]![4]); // NaN is not JSON: null (a gap in plotly)
        var html = (string)bundle["text/html"];
        Assert.Equal(1, JsonOf.Occurrences(html, "data:image/png;base64,"));
        var b64 = html.Split("data:image/png;base64,")[1].Split('"')[0];
        Assert.Equal(new byte[] { 137, 80, 78, 71 }, Convert.FromBase64String(b64)[..4]);
        Assert.False(bundle.ContainsKey("image/png")); // the picture is stored once, in the HTML
        Assert.False(bundle.ContainsKey("application/vnd.plotly.v1+json")); // and the data once, in the HTML
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
    public void Figure_bundle_is_html_and_text_only()
    {
        var bundle = Plot.Line(new[] { 1.0, 2.0 }, "t").ToMimeBundle();
        Assert.Equal(new[] { "text/html", "text/plain" }, bundle.Keys.Order());
        Assert.Contains("newPlot", (string)bundle["text/html"]);
        Assert.Equal("Figure 't': scatter (2 points)", (string)bundle["text/plain"]);
    }

    [Fact]
    public void Scatter_takes_marker_colour_size_and_opacity()
    {
        var fig = Plot.Scatter(new[] { 0.0 }, new[] { 1.0 }, color: "lightgray", size: 4, name: "data")
            .AddScatter(new[] { 1.0 }, new[] { 2.0 }, "codes", color: "crimson", size: 16, opacity: 0.8);
        var data = JsonOf.Figure(fig)["data"]!.AsArray();
        Assert.Equal(("lightgray", 4.0), (data[0]!["marker"]!["color"]!.GetValue<string>(), data[0]!["marker"]!["size"]!.GetValue<double>()));
        Assert.Equal("data", data[0]!["name"]!.GetValue<string>());
        Assert.Equal(("crimson", 16.0, 0.8), (data[1]!["marker"]!["color"]!.GetValue<string>(), data[1]!["marker"]!["size"]!.GetValue<double>(), data[1]!["marker"]!["opacity"]!.GetValue<double>()));
        Assert.Null(JsonOf.Figure(Plot.Scatter(new[] { 0.0 }, new[] { 1.0 }))["data"]![0]!["marker"]);
        Assert.Throws<ArgumentException>(() => new Figure().AddScatter(new[] { 0.0 }, new[] { 0.0 }, size: 0));
        Assert.Throws<ArgumentException>(() => new Figure().AddScatter(new[] { 0.0 }, new[] { 0.0 }, opacity: 1.5));
    }

    [Fact]
    public void Chroma_labels_pitch_classes_with_note_names()
    {
        var chroma = new float[12, 40];
        chroma[9, 3] = 1;   // A
        var fig = JsonOf.Figure(Plot.Chroma(chroma, sampleRate: 16000, hopLength: 400));
        var y = fig["layout"]!["yaxis"]!;
        Assert.Equal(new[] { "C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B" }, y["ticktext"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)i), y["tickvals"]!.AsArray().Select(D));
        Assert.Equal(1.0, D(fig["data"]![0]!["z"]![9]![3]));
        Assert.Equal(0.075, D(fig["data"]![0]!["x"]![3]), 6);   // 3 · 400 / 16000 s
        Assert.Throws<ArgumentException>(() => Plot.Chroma(new float[11, 4]));
    }

    [Fact]
    public void Waveform_envelope_names_its_max_line_and_band_in_the_legend()
    {
        var fig = JsonOf.Figure(Plot.Waveform(new float[100_000], 16000, maxPoints: 1000));
        var data = fig["data"]!.AsArray();
        Assert.All(data, t => Assert.Null(t!["showlegend"]));   // both shown in the legend
        Assert.StartsWith("max per 12.5 ms", data[0]!["name"]!.GetValue<string>());  // 100000 samples in 500 bins at 16 kHz
        Assert.StartsWith("min per 12.5 ms", data[1]!["name"]!.GetValue<string>());
        Assert.Equal("h", fig["layout"]!["legend"]!["orientation"]!.GetValue<string>());
    }

    [Fact]
    public void Large_spectrogram_is_averaged_down_and_its_png_stays_small()
    {
        var spec = new float[513, 2000];
        for (var f = 0; f < 513; f++)
            for (var t = 0; t < 2000; t++) spec[f, t] = (f * 7 + t * 13) % 97 - 60f;
        var html = (string)Plot.Spectrogram(spec, 16000, 128, title: "big").ToMimeBundle()["text/html"];
        var trace = JsonOf.InHtml(html)["data"]![0]!;
        var z = trace["z"]!.AsArray();
        Assert.InRange(z.Count, 1, Plot.MaxHeatmapRows);
        Assert.InRange(z[0]!.AsArray().Count, 1, Plot.MaxHeatmapColumns);
        var x = trace["x"]!.AsArray().Select(D).ToArray();
        Assert.Equal(z[0]!.AsArray().Count, x.Length);
        Assert.InRange(x[^1], 15.9, 16.0);   // the time axis still ends at 2000 · 128 / 16000 = 16 s
        // Averages of neighbours, not samples: 513 rows pool by 3 and 2000 columns by 3.
        Assert.Equal((171, 667), (z.Count, z[0]!.AsArray().Count));
        var block = new[] { spec[0, 0], spec[0, 1], spec[0, 2], spec[1, 0], spec[1, 1], spec[1, 2], spec[2, 0], spec[2, 1], spec[2, 2] }.Average();
        Assert.InRange(Math.Abs(block - D(z[0]![0])), 0, 0.01);
        var png = Convert.FromBase64String(html.Split("data:image/png;base64,")[1].Split('"')[0]);
        var (w, h) = (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.InRange(w, 1, 400);
        Assert.InRange(h, 1, 160);
        Assert.True(html.Length < 1_500_000, $"{html.Length} characters");
    }
}
