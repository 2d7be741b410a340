namespace MusicLM.Audio.Dataset;

/// <summary>What <see cref="SyntheticDataset.Create"/> did: clips in the manifest, how many were rendered now and how many were already there.</summary>
public sealed record DatasetSummary(int Clips, int Generated, int Skipped, double TotalDurationS, TimeSpan Elapsed, string ManifestPath)
{
    /// <summary>Seconds of audio rendered per second of wall time (skipped clips not counted).</summary>
    public double RealTimeFactor(double clipDurationS) => Elapsed.TotalSeconds > 0 ? Generated * clipDurationS / Elapsed.TotalSeconds : double.PositiveInfinity;
}
