using IRanker.Model.Text;

namespace IRanker.Model.Tests.Text;

public class ChatTemplateTests
{
    [Fact]
    public void Turns_are_written_in_ChatML_with_an_open_assistant_turn()
    {
        string prompt = ChatTemplate.Format(
            [new(ChatTemplate.System, "Be brief."), new(ChatTemplate.User, "Rank these.")],
            addGenerationPrompt: true, assistantPrefix: "<answer>");
        prompt.Should().Be("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nRank these.<|im_end|>\n<|im_start|>assistant\n<answer>");
    }

    [Fact]
    public void Without_a_generation_prompt_the_text_ends_after_the_last_turn()
    {
        ChatTemplate.Format([new(ChatTemplate.User, "Hi")], addGenerationPrompt: false)
            .Should().Be("<|im_start|>user\nHi<|im_end|>\n");
    }

    [Fact]
    public void A_prefix_without_an_open_turn_is_refused()
    {
        var format = () => ChatTemplate.Format([new(ChatTemplate.User, "Hi")], addGenerationPrompt: false, assistantPrefix: "<think>");
        format.Should().Throw<ArgumentException>().WithMessage("*addGenerationPrompt*");
    }

    [Fact]
    public void The_Qwen_tokenizer_encodes_the_chat_markers_as_single_tokens()
    {
        var ids = TestTokenizers.Qwen.Encode(ChatTemplate.Format([new(ChatTemplate.User, "Hi")]));
        ids.Should().StartWith([151644, 872, 198]).And.Contain(151645);
    }
}
