namespace MusicLM.Audio.Synthesis;

/// <summary>A generated clip: audio, ground-truth attributes, note events and caption.</summary>
public sealed record SynthesizedClip(AudioClip Audio, ClipAttributes Attributes, IReadOnlyList<NoteEvent> Notes, string Caption, ClipScore Score);
