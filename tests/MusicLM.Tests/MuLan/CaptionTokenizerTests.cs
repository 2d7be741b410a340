using MusicLM.MuLan;

namespace MusicLM.Tests.MuLan;

public class CaptionTokenizerTests
{
    private static readonly CaptionTokenizer Tok = TinyMuLan.Tokenizer();

    [Fact]
    public void Training_learns_merges_so_captions_take_fewer_tokens_than_characters()
    {
        var caption = "Mellow lofi track in the key of C# minor at 84 BPM with piano and bass.";
        var ids = Tok.Encode(caption);
        Assert.True(Tok.Merges.Count > 50, $"{Tok.Merges.Count} merges");
        var letters = caption.Replace(" ", "").Length;
        Assert.True(ids.Length < 0.6 * letters, $"{ids.Length} tokens for {letters} characters");
        Assert.DoesNotContain(CaptionTokenizer.UnkId, ids);
        Assert.Contains("▁piano", Tok.Pieces(caption));
    }

    [Fact]
    public void Unknown_words_and_characters_encode_without_error()
    {
        var ids = Tok.Encode("Xylophone über ñandú 🎷 — 水 !!!");
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 1, Tok.VocabSize - 1));
        Assert.Contains(CaptionTokenizer.UnkId, ids);                         // 水 and 🎷 were never seen
        Assert.Equal(new[] { CaptionTokenizer.UnkId }, Tok.Encode("\u0001\u0002"));   // only characters the splitter drops
    }

    [Fact]
    public void A_ten_thousand_word_caption_is_truncated_to_the_maximum_length()
    {
        var huge = string.Join(" ", Enumerable.Repeat("a jazz tune with piano", 2500));
        var ids = Tok.Encode(huge);
        Assert.Equal(Tok.MaxLength, ids.Length);
        Assert.Equal(Tok.Encode("a jazz tune with piano a jazz tune with piano a jazz tune with piano a jazz tune with piano a jazz tune with piano a jazz tune with piano a jazz tune with piano a jazz tune with piano")[..Tok.MaxLength], ids);
        var oneWord = new string('z', 100_000);                                 // one pathological "word"
        Assert.Equal(Tok.MaxLength, Tok.Encode(oneWord).Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_caption_is_an_argument_exception(string caption)
    {
        var ex = Assert.Throws<ArgumentException>(() => Tok.Encode(caption));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Saving_and_loading_keeps_every_encoding_and_training_is_deterministic()
    {
        var back = CaptionTokenizer.FromJson(Tok.ToJson());
        var again = TinyMuLan.Tokenizer();
        foreach (var c in TinyMuLan.Captions(50).Append("brand new words 123"))
        {
            Assert.Equal(Tok.Encode(c), back.Encode(c));
            Assert.Equal(Tok.Encode(c), again.Encode(c));
        }
        Assert.Equal(Tok.VocabSize, back.VocabSize);
        Assert.Throws<InvalidDataException>(() => CaptionTokenizer.FromJson("{\"format\": 1}"));
        Assert.Throws<InvalidDataException>(() => CaptionTokenizer.FromJson("not json"));
    }

    [Fact]
    public void A_batch_is_right_padded_with_a_mask()
    {
        var (ids, mask) = Tok.Batch(new[] { "piano", "a fast techno track with a saw lead and drums" });
        using (ids) using (mask)
        {
            Assert.Equal(2, ids.size(0));
            var m = mask.ToArray<bool>();
            var n = (int)ids.size(1);
            Assert.False(m[0]);
            Assert.True(m[n - 1]);                                              // "piano" is shorter than the other
            Assert.All(m.Skip(n), x => Assert.False(x));
        }
    }
}
