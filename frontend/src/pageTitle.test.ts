import { describe, expect, it } from "vitest";
import { pageTitle } from "./pageTitle";

describe("pageTitle", () => {
  it("names every route", () => {
    expect(
      [
        "/",
        "/login",
        "/invitations",
        "/projects/lezgi",
        "/projects/lezgi/texts",
        "/projects/lezgi/texts/t1",
        "/projects/lezgi/videos/v1",
        "/projects/lezgi/videos/v1/agreement",
        "/projects/lezgi/lexicon",
        "/projects/lezgi/models",
        "/nowhere",
      ].map(pageTitle),
    ).toEqual([
      "Projects · Fieldmark",
      "Log in · Fieldmark",
      "Invitations · Fieldmark",
      "lezgi · Fieldmark",
      "Texts · lezgi · Fieldmark",
      "Text editor · lezgi · Fieldmark",
      "Video workspace · lezgi · Fieldmark",
      "Video agreement · lezgi · Fieldmark",
      "Lexicon · lezgi · Fieldmark",
      "Models · lezgi · Fieldmark",
      "Not found · Fieldmark",
    ]);
  });
});
