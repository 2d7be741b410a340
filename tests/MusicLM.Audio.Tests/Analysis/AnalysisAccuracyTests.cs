using MusicLM.Audio.Analysis;
using Xunit.Abstractions;

namespace MusicLM.Audio.Tests.Analysis;

public class AnalysisAccuracyTests(ITestOutputHelper output)
{
    [Fact]
    public void Tempo_and_key_are_right_on_most_of_the_test_music()
    {
        var clips = TestCorpus.Pieces;
        int tempoOk = 0, keyOk = 0;
        foreach (var p in clips)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var tempo = TempoEstimator.Estimate(p.Samples, p.SampleRate);
            var key = KeyEstimator.Estimate(p.Samples, p.SampleRate);
            bool tOk = Math.Abs(tempo.Bpm / p.Bpm - 1) <= 0.04;
            bool kOk = key.Tonic == p.Tonic && (key.Mode == KeyMode.Minor) == p.Minor;
            tempoOk += tOk ? 1 : 0;
            keyOk += kOk ? 1 : 0;
            output.WriteLine($"{p.Bpm,6:F1} {p.BeatsPerBar}/4 {p.Groove,-8} → {tempo.Bpm,6:F1} {(tOk ? "ok " : "BAD")} [{string.Join(", ", tempo.Candidates.Take(4).Select(c => $"{c.Bpm:F0}:{c.Score:F2}"))}]   " +
                             $"{KeyName(p.Tonic, p.Minor),-9} → {key.Name,-9} {(kOk ? "ok " : "BAD")} ({key.RunnerUp.Name})  {sw.ElapsedMilliseconds} ms");
        }
        double tempoAcc = (double)tempoOk / clips.Count, keyAcc = (double)keyOk / clips.Count;
        output.WriteLine($"tempo within 4 %: {tempoAcc:P1}, key and mode: {keyAcc:P1} over {clips.Count} clips");
        Assert.True(tempoAcc >= 0.90, $"tempo accuracy {tempoAcc:P1}");
        Assert.True(keyAcc >= 0.80, $"key accuracy {keyAcc:P1}");
    }

    private static string KeyName(int tonic, bool minor) => new KeyCandidate(tonic, minor ? KeyMode.Minor : KeyMode.Major, 0).Name;
}
