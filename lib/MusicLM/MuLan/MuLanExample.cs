using MusicLM.Audio;
using MusicLM.Audio.Synthesis;

namespace MusicLM.MuLan;

/// <summary>A training or evaluation pair: a clip, its caption, and (for synthetic data) its ground truth.</summary>
public sealed record MuLanExample(AudioClip Audio, string Caption, ClipAttributes? Attributes = null)
{
    public static MuLanExample From(SynthesizedClip clip) => new(clip.Audio, clip.Caption, clip.Attributes);
}
