using System.Text;

namespace MusicLM.Interactive.Tests;

public class PngTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    [InlineData("IEND", 0xAE426082u)]
    public void Crc32_matches_known_vectors(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Crc32_can_continue_over_split_input()
    {
        var all = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xCBF43926u, Crc32.Append(Crc32.Compute(all.AsSpan(0, 4)), all.AsSpan(4)));
    }

    private static string Decode(byte[] png, string pixels)
    {
        var path = Path.Combine(Path.GetTempPath(), $"musiclm-png-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        try
        {
            return Python.Run("import sys\nfrom PIL import Image\nim=Image.open(sys.argv[1]);im.load()\n" +
                              "print(im.mode, im.size[0], im.size[1])\n" +
                              "for xy in sys.argv[2].split(';'):\n  x,y=map(int,xy.split(','));print(*im.getpixel((x,y)))", path, pixels);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Encoded_rgb_decodes_with_PIL_to_the_same_pixels()
    {
        // 3×2: red, green, blue / white, black, grey
        var rgb = new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128 };
        var lines = Decode(Png.Encode(rgb, 3, 2), "0,0;1,0;2,0;0,1;1,1;2,1").Split('\n');
        Assert.Equal(new[] { "RGB 3 2", "255 0 0", "0 255 0", "0 0 255", "255 255 255", "0 0 0", "128 128 128" }, lines.Select(l => l.Trim()));
    }

    [Fact]
    public void Heatmap_draws_first_row_at_the_bottom_with_viridis_ends()
    {
        // values[0, 0] is the minimum (bottom left), values[1, 1] the maximum (top right).
        var values = new float[,] { { 0f, 0.5f }, { 0.5f, 1f } };
        var lines = Decode(Png.Heatmap(values, 40, 30), "0,29;39,0;0,0").Split('\n');
        Assert.Equal("RGB 40 30", lines[0].Trim());
        Assert.Equal("68 1 84", lines[1].Trim());     // viridis(0) = #440154
        Assert.Equal("253 231 37", lines[2].Trim());  // viridis(1) = #fde725
        Assert.NotEqual(lines[1], lines[3]);          // top-left is the middle value, not the minimum
    }

    [Fact]
    public void Bad_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Png.Encode(new byte[5], 1, 2));
        Assert.Throws<ArgumentException>(() => Png.Heatmap(new float[0, 3], 10, 10));
        Assert.Throws<ArgumentException>(() => Png.Heatmap(new float[2, 2], 0, 10));
    }
}
