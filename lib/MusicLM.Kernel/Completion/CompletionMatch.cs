namespace MusicLM.Kernel.Completion;

/// <summary>
/// One completion: the text that replaces the span, and the kind a front end shows beside it
/// (<c>_jupyter_types_experimental</c>'s "type": "method", "class", "keyword", …; null when unknown).
/// </summary>
internal sealed record CompletionMatch(string Text, string? Type = null);
