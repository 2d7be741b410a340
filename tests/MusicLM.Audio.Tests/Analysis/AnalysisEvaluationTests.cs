using MusicLM.Audio.Analysis;

namespace MusicLM.Audio.Tests.Analysis;

public class AnalysisEvaluationTests
{
    [Theory]
    [InlineData(120, 121, "ok")]
    [InlineData(120, 240, "double")]
    [InlineData(120, 61, "half")]
    [InlineData(60, 180, "triple")]
    [InlineData(120, 100, "other")]
    public void Tempo_errors_are_classified_with_a_4_percent_tolerance(double truth, double estimate, string kind) =>
        Assert.Equal(kind, AnalysisEvaluation.TempoError(truth, estimate));

    [Theory]
    [InlineData(0, KeyMode.Major, 0, KeyMode.Major, "ok")]
    [InlineData(0, KeyMode.Major, 9, KeyMode.Minor, "relative")]
    [InlineData(9, KeyMode.Minor, 0, KeyMode.Major, "relative")]
    [InlineData(0, KeyMode.Major, 0, KeyMode.Minor, "parallel")]
    [InlineData(0, KeyMode.Major, 7, KeyMode.Major, "fifth")]
    [InlineData(0, KeyMode.Major, 1, KeyMode.Minor, "other")]
    public void Key_errors_are_classified(int t, KeyMode tm, int e, KeyMode em, string kind) =>
        Assert.Equal(kind, AnalysisEvaluation.KeyError(new KeyCandidate(t, tm, 1), new KeyCandidate(e, em, 1)));

    [Fact]
    public void A_manifest_split_is_read_evaluated_and_summarised()
    {
        var dir = Directory.CreateTempSubdirectory("analysis-").FullName;
        try
        {
            var lines = new List<string>();
            var cases = new (double Bpm, int Tonic, bool Minor, string Key, string Split)[]
            {
                (96, 7, false, "G", "test"), (132, 9, true, "A", "test"), (110, 0, false, "C", "train"),
            };
            for (int i = 0; i < cases.Length; i++)
            {
                var c = cases[i];
                var p = TestMusic.Make(c.Bpm, c.Tonic, c.Minor, 4, Groove.Rock, seed: 40 + i, seconds: 6, sampleRate: 16000);
                Directory.CreateDirectory(Path.Combine(dir, "audio"));
                WavFile.Write(Path.Combine(dir, "audio", $"{i}.wav"), new AudioClip(p.Samples, p.SampleRate));
                lines.Add($$"""{"audio": "audio/{{i}}.wav", "tempo_bpm": {{c.Bpm}}, "key": "{{c.Key}}", "mode": "{{(c.Minor ? "minor" : "major")}}", "split": "{{c.Split}}", "caption": "x"}""");
            }
            var manifest = Path.Combine(dir, "manifest.jsonl");
            File.WriteAllLines(manifest, lines);

            var report = AnalysisEvaluation.RunOnManifest(manifest);
            Assert.Equal(2, report.Count);
            Assert.Equal(new[] { "audio/0.wav", "audio/1.wav" }, report.Rows.Select(r => r.Name));
            Assert.Equal(96, report.Rows[0].TrueBpm);
            Assert.Equal("A minor", report.Rows[1].TrueKey);
            Assert.Equal(report.Rows.Count(r => r.TempoCorrect) / 2.0, report.TempoAccuracy);
            Assert.Equal(report.Rows.Count(r => r.KeyCorrect) / 2.0, report.KeyAccuracy);
            Assert.Equal(2, report.TempoErrors.Values.Sum());
            Assert.Contains("key and mode", report.Summary());
            Assert.Equal(3, AnalysisEvaluation.RunOnManifest(manifest, split: null).Count);
            // Progress: before each clip of the split, then once at the end.
            var reports = new List<(int, int, string?)>();
            AnalysisEvaluation.RunOnManifest(manifest, progress: (done, total, clip) => reports.Add((done, total, clip)));
            Assert.Equal(new (int, int, string?)[] { (0, 2, "audio/0.wav"), (1, 2, "audio/1.wav"), (2, 2, null) }, reports);
        }
        finally { Directory.Delete(dir, true); }
    }
}
