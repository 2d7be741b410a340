namespace MusicLM.Kernel.Completion;

/// <summary>
/// Jupyter (protocol 5.2 and later) counts cursor positions in unicode code points; .NET strings and
/// Roslyn count UTF-16 code units. A character outside the BMP (an emoji) is one of the first and two
/// of the second, so every position crossing the boundary is converted.
/// </summary>
internal static class CodePoints
{
    /// <summary>The UTF-16 index of code point <paramref name="codePoint"/>, clamped to the text.</summary>
    public static int ToUtf16(string text, int codePoint)
    {
        int index = 0;
        for (int n = 0; n < codePoint && index < text.Length; n++)
            index += IsPair(text, index) ? 2 : 1;
        return index;
    }

    /// <summary>The number of code points before UTF-16 index <paramref name="utf16"/> (a lone surrogate counts as one).</summary>
    public static int FromUtf16(string text, int utf16)
    {
        utf16 = Math.Clamp(utf16, 0, text.Length);
        int count = 0;
        for (int index = 0; index < utf16; count++)
            index += IsPair(text, index) && index + 1 < utf16 ? 2 : 1;
        return count;
    }

    private static bool IsPair(string text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]);
}
