using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MusicLM.Interactive;

/// <summary>
/// A minimal PNG writer (8-bit RGB, zlib via <see cref="ZLibStream"/>), enough for static fallbacks of
/// heatmaps and spectrograms where a viewer does not run JavaScript (GitHub, nbviewer, e-mail).
/// </summary>
public static class Png
{
    private static readonly byte[] signature = { 137, 80, 78, 71, 13, 10, 26, 10 };

    /// <summary>Encodes <paramref name="rgb"/> (row-major, top row first, 3 bytes per pixel).</summary>
    public static byte[] Encode(byte[] rgb, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"PNG size must be positive, got {width}×{height}");
        if (rgb.Length != (long)width * height * 3) throw new ArgumentException($"expected {width}×{height}×3 = {(long)width * height * 3} bytes, got {rgb.Length}", nameof(rgb));
        var raw = new byte[(long)height * (width * 3 + 1)];
        for (var y = 0; y < height; y++)
        {
            var row = y * (width * 3 + 1);
            raw[row] = 0; // filter type: None
            Buffer.BlockCopy(rgb, y * width * 3, raw, row + 1, width * 3);
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);

        using var png = new MemoryStream();
        png.Write(signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour RGB
        // compression 0, filter 0, interlace 0
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", Array.Empty<byte>());
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(u32, data.Length);
        s.Write(u32);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(u32, Crc32.Append(Crc32.Compute(typeBytes), data));
        s.Write(u32);
    }

    /// <summary>
    /// Renders a matrix as a viridis heatmap of <paramref name="width"/>×<paramref name="height"/> pixels
    /// (nearest-neighbour resampling). As in plotly heatmaps and spectrograms, <c>values[0, 0]</c> is drawn
    /// at the bottom left: rows go up, columns go right. Colours span the finite minimum to maximum.
    /// </summary>
    public static byte[] Heatmap(float[,] values, int width, int height) => Encode(HeatmapPixels(values, width, height), width, height);

    internal static byte[] HeatmapPixels(float[,] values, int width, int height)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        if (rows == 0 || cols == 0) throw new ArgumentException("cannot draw an empty matrix", nameof(values));
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}×{height}");
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in values)
            if (float.IsFinite(v)) { if (v < min) min = v; if (v > max) max = v; }
        if (min > max) { min = 0; max = 1; }
        var range = max > min ? max - min : 1f;
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var r = (int)((long)(height - 1 - y) * rows / height);
            for (var x = 0; x < width; x++)
            {
                var c = (int)((long)x * cols / width);
                var v = values[r, c];
                var (R, G, B) = Colormap.Viridis(float.IsFinite(v) ? (v - min) / range : 0);
                var o = (y * width + x) * 3;
                rgb[o] = R; rgb[o + 1] = G; rgb[o + 2] = B;
            }
        }
        return rgb;
    }
}
