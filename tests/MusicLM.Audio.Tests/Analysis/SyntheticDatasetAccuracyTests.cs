using MusicLM.Audio.Analysis;
using MusicLM.Audio.Dataset;
using Xunit.Abstractions;

namespace MusicLM.Audio.Tests.Analysis;

public class SyntheticDatasetAccuracyTests(ITestOutputHelper output)
{
    /// <summary>
    /// The targets, on clips the estimators were not tuned on: the cue weights were fit on seed 11;
    /// this draws a fresh dataset from another seed, every split.
    /// </summary>
    [Fact]
    public void Tempo_and_key_meet_the_targets_on_fresh_synthetic_clips()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"musiclm-analysis-{Guid.NewGuid():N}");
        try
        {
            SyntheticDataset.Create(dir, count: 60, seed: 90210, sampleRate: 16000);
            var report = AnalysisEvaluation.RunOnManifest(Path.Combine(dir, "manifest.jsonl"), split: null);
            output.WriteLine(report.Summary());
            foreach (var r in report.Rows.Where(r => !r.TempoCorrect || !r.KeyCorrect))
                output.WriteLine($"{r.Name}: {r.TrueBpm} → {r.EstimatedBpm:F1} ({r.TempoError}); {r.TrueKey} → {r.EstimatedKey} ({r.KeyError})");
            Assert.True(report.TempoAccuracy >= 0.90, $"tempo accuracy {report.TempoAccuracy:P1}");
            Assert.True(report.KeyAccuracy >= 0.80, $"key accuracy {report.KeyAccuracy:P1}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
