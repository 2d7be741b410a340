namespace MusicLM.Audio.Synthesis;

/// <summary>A composed clip before rendering: the spec, its ground truth, the note events and the caption.</summary>
public sealed record ClipScore(ClipSpec Spec, ClipAttributes Attributes, IReadOnlyList<NoteEvent> Notes, string Caption, int CaptionTemplate);
