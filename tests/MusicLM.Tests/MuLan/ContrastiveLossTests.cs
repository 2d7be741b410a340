using MusicLM.Audio.Synthesis;
using MusicLM.MuLan;
using MusicLM.Torch;

namespace MusicLM.Tests.MuLan;

public class ContrastiveLossTests
{
    private static Tensor Unit(Tensor x) => x / x.norm(2, -1, keepdim: true);

    [Fact]
    public void Collapsed_embeddings_give_exactly_ln_B_and_matched_ones_give_less()
    {
        using var scope = torch.NewDisposeScope();
        const int b = 8;
        var same = Unit(torch.ones(b, 16));                                   // every embedding equal: collapse
        var eye = ContrastiveLoss.Positives(Enumerable.Range(0, b).Select(i => $"caption {i}").ToList());
        var collapsed = ContrastiveLoss.Forward(same, same, torch.scalar_tensor(10.0), eye).item();
        Assert.Equal(Math.Log(b), collapsed, 5);

        torch.manual_seed(1);
        var e = Unit(torch.randn(b, 16));
        var matched = ContrastiveLoss.Forward(e, e, torch.scalar_tensor(20.0), eye).item();
        Assert.True(matched < 0.5 * Math.Log(b), $"loss {matched} for matched pairs");
    }

    [Fact]
    public void Equal_captions_share_their_targets_so_swapping_their_clips_costs_nothing()
    {
        using var scope = torch.NewDisposeScope();
        var captions = new[] { "A jazz tune with piano.", "a jazz tune with piano. ", "Techno with drums.", "Folk with flute." };
        var pos = ContrastiveLoss.Positives(captions, rule: PositiveRule.EqualCaptions).ToArray<bool>();
        Assert.True(pos[0 * 4 + 1] && pos[1 * 4 + 0]);
        Assert.False(pos[0 * 4 + 2]);
        Assert.False(ContrastiveLoss.Positives(captions, rule: PositiveRule.Diagonal).ToArray<bool>()[1]);

        torch.manual_seed(2);
        var text = Unit(torch.randn(4, 8));
        var audio = text.clone();
        var swapped = torch.stack(new[] { text[1], text[0], text[2], text[3] }, 0);
        var p = ContrastiveLoss.Positives(captions, rule: PositiveRule.EqualCaptions);
        Assert.Equal(ContrastiveLoss.Forward(text, audio, torch.scalar_tensor(5.0), p).item(),
                     ContrastiveLoss.Forward(text, swapped, torch.scalar_tensor(5.0), p).item(), 5);
    }

    [Fact]
    public void A_caption_is_positive_for_every_clip_that_has_what_it_names()
    {
        var jazzPiano = new ClipAttributes(["piano", "bass"], 100, "C", "major", "4/4", "jazz", ["warm", "smooth"]);
        var jazzPiano2 = new ClipAttributes(["piano", "organ", "bass"], 150, "D", "minor", "4/4", "jazz", ["dark", "smoky"]);
        var techno = new ClipAttributes(["synth_lead", "bass", "drums"], 128, "A", "minor", "4/4", "techno", ["dark", "pulsing"]);
        var captions = new[] { "A jazz tune with piano.", "Jazz in D minor with organ at 150 BPM.", "Techno track with a saw lead." };
        var pos = ContrastiveLoss.Positives(captions, new ClipAttributes?[] { jazzPiano, jazzPiano2, techno }).ToArray<bool>();
        Assert.True(pos[0 * 3 + 1]);                                          // the vague caption fits the second jazz clip
        Assert.False(pos[1 * 3 + 0]);                                         // the precise one does not fit the first
        Assert.False(pos[0 * 3 + 2] || pos[2 * 3 + 0]);
    }
}
