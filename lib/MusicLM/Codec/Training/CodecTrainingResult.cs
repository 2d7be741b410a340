namespace MusicLM.Codec.Training;

/// <summary>What one <see cref="CodecTrainer.Train(IReadOnlyList{MusicLM.Audio.AudioClip}, int?, TimeSpan?, IProgress{CodecTrainingStep}?)"/> call did.</summary>
/// <param name="StepsRun">Steps taken in this call.</param>
/// <param name="FinalStep">The trainer's step count afterwards (continues across resumes).</param>
/// <param name="Elapsed">Wall time of this call.</param>
/// <param name="StoppedBy">"steps", "budget" or "interrupted".</param>
/// <param name="History">Every step of this call.</param>
public sealed record CodecTrainingResult(int StepsRun, long FinalStep, TimeSpan Elapsed, string StoppedBy, IReadOnlyList<CodecTrainingStep> History)
{
    public CodecTrainingStep? Last => History.Count > 0 ? History[^1] : null;
}
