"""Start the Hongqiao CBD policy assistant's web app (ingesting the bundled corpus first if needed)."""

from bot.web import launch

if __name__ == "__main__":
    launch()
